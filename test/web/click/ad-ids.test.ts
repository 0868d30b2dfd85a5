import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { normaliseAdId, readAdIds } from '../../../src/web/click/ad-ids.ts';

const DASHED = '44566636-6BC5-48DE-B4AE-7DF9DF06B356';
const md5 = (text: string) => createHash('md5').update(text).digest('hex');
const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');

describe('normaliseAdId', () => {
  it.each([
    ['dashed upper case stays as is', DASHED, DASHED],
    ['dashed lower case is upper-cased', DASHED.toLowerCase(), DASHED],
    ['32 hex without dashes gets its dashes', '445666366bc548deb4ae7df9df06b356', DASHED],
    ['32 hex in mixed case', '445666366Bc548DEb4ae7DF9df06b356', DASHED],
    ['a Google advertising id (same shape)', '38400000-8cf0-11bd-b23e-10b96e40000d', '38400000-8CF0-11BD-B23E-10B96E40000D'],
    ['too short', '445666366bc548deb4ae7df9df06b35', null],
    ['too long', '445666366bc548deb4ae7df9df06b3566', null],
    ['dashes in the wrong places', '4456663-66BC5-48DE-B4AE-7DF9DF06B356', null],
    ['not hex', 'G4566636-6BC5-48DE-B4AE-7DF9DF06B356', null],
    ['surrounded by text (the original matched unanchored)', `x${DASHED}`, null],
    ['braces', `{${DASHED}}`, null],
    ['a network macro left unexpanded', '{idfa}', null],
    ['empty', '', null],
  ])('%s', (_, raw, expected) => {
    expect(normaliseAdId(raw)).toBe(expected);
  });
});

describe('readAdIds', () => {
  it('reads adid, and idfa or gadid when adid is missing', () => {
    expect(readAdIds({ adid: DASHED.toLowerCase() })).toMatchObject({ adid: DASHED, idfaComb: DASHED, consumed: ['adid'], rejected: [] });
    expect(readAdIds({ idfa: DASHED })).toMatchObject({ adid: DASHED, consumed: ['idfa'] });
    expect(readAdIds({ gadid: '445666366bc548deb4ae7df9df06b356' })).toMatchObject({ adid: DASHED, consumed: ['gadid'] });
  });

  it('takes the first valid id and leaves the others for reqparams', () => {
    const other = '11111111-2222-3333-4444-555555555555';
    const ids = readAdIds({ adid: 'junk', idfa: DASHED, gadid: other });
    expect(ids.adid).toBe(DASHED);
    expect(ids.consumed).toEqual(['idfa']);
    expect(ids.rejected).toEqual([{ field: 'adid', reason: 'malformed' }]);
  });

  it('validates the hashes (32 and 40 hex) and lower-cases them', () => {
    const ids = readAdIds({ idfa_md5: md5(DASHED).toUpperCase(), idfa_sha1: sha1(DASHED).toUpperCase() });
    expect(ids).toMatchObject({ idfaMd5: md5(DASHED), idfaSha1: sha1(DASHED), idfaComb: md5(DASHED) });
    expect(ids.consumed).toEqual(['idfa_md5', 'idfa_sha1']);
    expect(readAdIds({ idfa_md5: 'abc', idfa_sha1: md5(DASHED) }).rejected).toEqual([
      { field: 'idfa_md5', reason: 'malformed' },
      { field: 'idfa_sha1', reason: 'malformed' },
    ]);
  });

  it.each([
    ['adid first', { adid: DASHED, idfa_md5: md5('x'), idfa_sha1: sha1('x') }, DASHED],
    ['md5 when there is no valid adid', { adid: 'nope', idfa_md5: md5('x'), idfa_sha1: sha1('x') }, md5('x')],
    ['sha1 last', { idfa_md5: 'nope', idfa_sha1: sha1('x') }, sha1('x')],
    ['none', { idfa_md5: 'nope' }, undefined],
  ])('combines the ids: %s', (_, query, comb) => {
    expect(readAdIds(query).idfaComb).toBe(comb);
  });

  it('treats the all-zero opt-out id, and its hashes, as no id', () => {
    const zero = '00000000-0000-0000-0000-000000000000';
    const ids = readAdIds({ adid: zero, idfa_md5: md5(zero), idfa_sha1: sha1(zero.replaceAll('-', '')) });
    expect(ids.idfaComb).toBeUndefined();
    expect(ids.rejected).toEqual([
      { field: 'adid', reason: 'zeroed' },
      { field: 'idfa_md5', reason: 'zeroed' },
      { field: 'idfa_sha1', reason: 'zeroed' },
    ]);
  });

  it('ignores empty values (an unfilled macro) without reporting them', () => {
    expect(readAdIds({ adid: '', idfa_md5: '' })).toEqual({ consumed: [], rejected: [] });
  });
});
