import type { LinkRecord } from './link.ts';

/**
 * Every plain field of a campaign link, declared once. The API's input and output schemas,
 * the store's columns, the admin form and detail view and the CLI's flags are all derived
 * from this table, so a new field is one entry here (plus its column in db/schema.ts).
 * The slug and the targets are not plain fields: each has rules of its own.
 */
export type FieldKind = 'text' | 'url' | 'minutes' | 'boolean';

/** Where the admin form shows a field. */
export type FieldGroup = 'labels' | 'attribution' | 'reference';

export interface LinkFieldSpec {
  /** The LinkRecord property (and so the drizzle column) behind the field. */
  column: keyof LinkRecord;
  kind: FieldKind;
  /** The longest text accepted, for `text` and `url`. */
  max?: number;
  /** For people: the admin form, the detail view. */
  label: string;
  /** For the OpenAPI document. */
  description: string;
  group: FieldGroup;
  /** A new link's value when none is given: the column's default. */
  default?: number | boolean;
}

export const TEXT_MAX = 256;
export const CAMPAIGN_URL_MAX = 1024;

export const LINK_FIELDS = {
  campaign: { column: 'campaign', kind: 'text', max: TEXT_MAX, label: 'Campaign', description: 'Campaign name (free text)', group: 'labels' },
  adgroup: { column: 'adgroup', kind: 'text', max: TEXT_MAX, label: 'Ad group', description: 'Ad group (free text)', group: 'labels' },
  ad: { column: 'ad', kind: 'text', max: TEXT_MAX, label: 'Ad', description: 'Ad (free text)', group: 'labels' },
  network: { column: 'network', kind: 'text', max: TEXT_MAX, label: 'Network', description: 'Ad network (free text)', group: 'labels' },
  attribution_window_idfa: {
    column: 'attributionWindowIdfa',
    kind: 'minutes',
    label: 'Attribution window, advertising id (minutes)',
    description: 'Minutes after a click in which an install with the same advertising id is attributed to it',
    group: 'attribution',
    default: 10080,
  },
  attribution_window_fingerprint: {
    column: 'attributionWindowFingerprint',
    kind: 'minutes',
    label: 'Attribution window, fingerprint (minutes)',
    description: 'Minutes after a click in which an install matched by IP and platform is attributed to it',
    group: 'attribution',
    default: 1440,
  },
  store_params: {
    column: 'storeParams',
    kind: 'boolean',
    label: 'Add store attribution parameters to the target',
    description: 'Add store attribution parameters (Play `referrer`, App Store `ct`/`pt`) to the target at click time',
    group: 'attribution',
    default: true,
  },
  app_store_campaign_token: { column: 'appStoreCampaignToken', kind: 'text', max: 40, label: 'App Store campaign token (ct)', description: 'App Store campaign token (`ct`)', group: 'attribution' },
  app_store_provider_token: { column: 'appStoreProviderToken', kind: 'text', max: 64, label: 'App Store provider token (pt)', description: 'App Store provider token (`pt`)', group: 'attribution' },
  forward_query: {
    column: 'forwardQuery',
    kind: 'boolean',
    label: "Pass the visitor's query string on to the target",
    description: "Pass the visitor's query string on to the target",
    group: 'attribution',
    default: false,
  },
  campaign_url: { column: 'campaignUrl', kind: 'url', max: CAMPAIGN_URL_MAX, label: 'Campaign URL', description: "The campaign's own page, for reference", group: 'reference' },
  country: { column: 'country', kind: 'text', max: TEXT_MAX, label: 'Country', description: 'Target country (free text, for reference)', group: 'reference' },
  device: { column: 'device', kind: 'text', max: TEXT_MAX, label: 'Device', description: 'Target device (free text, for reference)', group: 'reference' },
  user_id: { column: 'userId', kind: 'text', max: TEXT_MAX, label: 'Owner', description: 'Owner of the link in the marketing tool (free text)', group: 'reference' },
} as const satisfies Record<string, LinkFieldSpec>;

export type LinkFieldName = keyof typeof LINK_FIELDS;

export const LINK_FIELD_NAMES = Object.keys(LINK_FIELDS) as LinkFieldName[];

/** What a field holds once validated: text may be null (cleared). */
export type FieldValue<K extends FieldKind> = K extends 'boolean' ? boolean : K extends 'minutes' ? number : string | null;

export function fieldsOfKind(...kinds: FieldKind[]): LinkFieldName[] {
  return LINK_FIELD_NAMES.filter((name) => (kinds as string[]).includes(LINK_FIELDS[name].kind));
}

/** The CLI's flag for a field: `attribution_window_idfa` is `--attribution-window-idfa`. */
export const cliFlag = (name: string) => name.replaceAll('_', '-');
