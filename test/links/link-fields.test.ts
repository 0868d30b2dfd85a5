import { getTableColumns } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { USAGE } from '../../src/cli/usage.ts';
import { campaignLinks } from '../../src/db/schema.ts';
import { cliFlag, LINK_FIELD_NAMES, LINK_FIELDS } from '../../src/links/link-fields.ts';
import { createLinkSchema, linkSchema, toLinkJson, updateLinkSchema } from '../../src/links/link-schemas.ts';
import { formToInput, linkToFormValues, NEW_LINK_VALUES } from '../../src/web/admin/form.ts';
import { linkFixture } from '../support/fixtures.ts';

const record = {
  ...linkFixture({ campaign: 'spring', forwardQuery: true }),
  campaignUrl: 'https://example.com/campaign',
  country: 'DE',
  device: null,
  userId: 'u1',
  createdAt: new Date('2026-01-01T00:00:00Z'),
  updatedAt: new Date('2026-01-02T00:00:00Z'),
};

describe('link fields, declared once', () => {
  it('each names a column of the table, and the API accepts and answers each', () => {
    const columns = Object.keys(getTableColumns(campaignLinks));
    for (const name of LINK_FIELD_NAMES) {
      expect(columns).toContain(LINK_FIELDS[name].column);
      expect(Object.keys(createLinkSchema.shape)).toContain(name);
      expect(Object.keys(updateLinkSchema.shape)).toContain(name);
      expect(Object.keys(linkSchema.shape)).toContain(name);
      expect(USAGE).toContain(`--${cliFlag(name)} `);
    }
  });

  it('round-trips a stored link through the API answer and the admin form', () => {
    const json = toLinkJson(record);
    expect(json.campaign).toBe('spring');
    expect(json.forward_query).toBe(true);
    expect(json.campaign_url).toBe('https://example.com/campaign');
    const input = formToInput(linkToFormValues(record), 'edit');
    const parsed = updateLinkSchema.parse(input);
    for (const name of LINK_FIELD_NAMES) expect(parsed[name], name).toEqual(json[name]);
  });

  it('starts a new link in the form with the columns defaults', () => {
    expect(NEW_LINK_VALUES).toEqual({ attribution_window_idfa: '10080', attribution_window_fingerprint: '1440', store_params: 'on' });
  });
});
