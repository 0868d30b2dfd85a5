import type { LinkRecord } from '../../links/link-store.ts';
import type { FormValues } from './views/link-form.ts';

const TEXT_FIELDS = ['campaign', 'adgroup', 'ad', 'network', 'app_store_campaign_token', 'app_store_provider_token', 'campaign_url', 'country', 'device', 'user_id'] as const;
const NUMBER_FIELDS = ['attribution_window_idfa', 'attribution_window_fingerprint'] as const;
const CHECKBOXES = ['store_params', 'forward_query'] as const;
const PLATFORMS = ['ios', 'android', 'default'] as const;

/** Only the string fields of a posted form; a file upload has no business here. */
export function formValues(body: Record<string, unknown>): FormValues {
  const values: FormValues = {};
  for (const [key, value] of Object.entries(body)) if (typeof value === 'string') values[key] = value;
  return values;
}

// A number goes to the schema as a number; anything else as typed, so the schema's
// message ("must be a whole number of minutes") is what the person sees.
const numberOrRaw = (value: string) => (/^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value);

/**
 * The whole form as an API-shaped input, for the same schemas as the API. An empty box
 * means "none": absent when creating, null (cleared) when editing.
 */
export function formToInput(values: FormValues, mode: 'create' | 'edit'): Record<string, unknown> {
  const empty = mode === 'create' ? undefined : null;
  const text = (name: string) => {
    const value = (values[name] ?? '').trim();
    return value === '' ? empty : value;
  };
  const input: Record<string, unknown> = {};
  const targets: Record<string, unknown> = {};
  for (const platform of PLATFORMS) targets[platform] = text(`targets.${platform}`);
  input.targets = targets;
  for (const name of TEXT_FIELDS) input[name] = text(name);
  for (const name of NUMBER_FIELDS) {
    const value = (values[name] ?? '').trim();
    if (value !== '') input[name] = numberOrRaw(value);
  }
  for (const name of CHECKBOXES) input[name] = values[name] === 'on';
  if (mode === 'create') input.slug = text('slug');
  return input;
}

/** A stored link as form values, for the edit form. */
export function linkToFormValues(link: LinkRecord): FormValues {
  const check = (on: boolean) => (on ? 'on' : '');
  return {
    'targets.ios': link.targets.ios ?? '',
    'targets.android': link.targets.android ?? '',
    'targets.default': link.targets.default ?? '',
    campaign: link.campaign ?? '',
    adgroup: link.adgroup ?? '',
    ad: link.ad ?? '',
    network: link.network ?? '',
    attribution_window_idfa: String(link.attributionWindowIdfa),
    attribution_window_fingerprint: String(link.attributionWindowFingerprint),
    store_params: check(link.storeParams),
    app_store_campaign_token: link.appStoreCampaignToken ?? '',
    app_store_provider_token: link.appStoreProviderToken ?? '',
    forward_query: check(link.forwardQuery),
    campaign_url: link.campaignUrl ?? '',
    country: link.country ?? '',
    device: link.device ?? '',
    user_id: link.userId ?? '',
  };
}

/** The defaults a new link starts with, matching the database's. */
export const NEW_LINK_VALUES: FormValues = {
  attribution_window_idfa: '10080',
  attribution_window_fingerprint: '1440',
  store_params: 'on',
};
