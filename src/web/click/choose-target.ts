import type { LinkTargets } from '../../links/link.ts';
import type { Platform } from '../platform/detect-platform.ts';

/**
 * The store for the visitor's platform, else the link's web (default) target, as the
 * original did. A link with only an App Store target has nothing for a desktop visitor.
 */
export function chooseTarget(targets: LinkTargets, platform: Platform): string | undefined {
  if (platform === 'ios') return targets.ios ?? targets.default;
  if (platform === 'android') return targets.android ?? targets.default;
  return targets.default;
}
