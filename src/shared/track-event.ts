/**
 * An app's or server's event (install, purchase, ...) on the queued line: topic `events`,
 * type `/v1/track` (see the issue 14 contract). The web side writes it, the worker
 * attributes and delivers it, the stats consumer counts it.
 */
export const TRACK_TOPIC = 'events';
export const TRACK_TYPE = '/v1/track';

/** Cheap test on the raw line, before decoding: `<ip> <ts> events /v1/track ...`. */
export function isTrackLine(raw: string): boolean {
  return raw.includes(` ${TRACK_TOPIC} ${TRACK_TYPE} `);
}
