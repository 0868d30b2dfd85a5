/** Which app store a target URL opens, if any: one rule for the click path and the link checks. */
export type StoreKind = 'play' | 'app_store';

const PLAY = /^(?:https?:\/\/play\.google\.com\/store\/apps\/details\?|market:\/\/details\?)/i;
const APP_STORE = /^(?:https?:\/\/(?:apps|itunes)\.apple\.com\/|itms-apps:\/\/)/i;

export function storeKind(url: string): StoreKind | null {
  if (PLAY.test(url)) return 'play';
  if (APP_STORE.test(url)) return 'app_store';
  return null;
}
