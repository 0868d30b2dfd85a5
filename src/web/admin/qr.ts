import QRCode from 'qrcode';

/**
 * The QR code as SVG, made on the server: no client library, nothing inline to allow in
 * the CSP, and it prints sharply at any size.
 */
export function qrSvg(text: string): Promise<string> {
  return QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
}
