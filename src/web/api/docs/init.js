// Starts the reference page; a file of our own because the page's CSP allows no inline script.

window.Scalar.createApiReference('#app', {
  url: 'openapi.json',
  // The default fonts come from a CDN: the page must work without internet.
  withDefaultFonts: false,
  // Scalar's hosted proxy and telemetry would send requests elsewhere.
  proxyUrl: '',
  telemetry: false,
});
