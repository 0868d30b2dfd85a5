/**
 * The QR code as SVG, made on the server: no client library, nothing inline to allow in
 * the CSP, and it prints sharply at any size. The qrcode package (and pngjs under it, 57
 * modules) loads on the first QR code asked for, not in every web process at start.
 */
export async function qrSvg(text: string): Promise<string> {
  const { default: QRCode } = await import('qrcode');
  return QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
}
