// Statistics pages: the viewer's time zone and the recent clicks refresh. Served from
// /admin/assets like admin.js, so the CSP keeps forbidding inline script.


(() => {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const current = document.cookie.split('; ').find((c) => c.startsWith('ct_tz='));
  if (zone && current !== `ct_tz=${encodeURIComponent(zone)}`) {
    // biome-ignore lint/suspicious/noDocumentCookie: the server draws charts in the viewer's zone, learnt from this cookie
    document.cookie = `ct_tz=${encodeURIComponent(zone)}; path=/admin; max-age=31536000; samesite=lax`;
    // The page was drawn in another zone: draw it again once, in the viewer's (only if the
    // cookie took, so a browser refusing cookies never reloads in a loop).
    const took = document.cookie.split('; ').includes(`ct_tz=${encodeURIComponent(zone)}`);
    if (took && document.querySelector('.stats, .totals') && !new URL(location.href).searchParams.has('tz')) location.reload();
  }
})();

// Recent clicks: the server renders the rows; this only fetches them again every 3 s.
for (const panel of document.querySelectorAll('[data-refresh]')) {
  const refresh = async () => {
    if (document.hidden) return;
    try {
      const res = await fetch(panel.dataset.refresh, { credentials: 'same-origin', headers: { accept: 'text/html' } });
      if (!res.ok) return;
      const rows = panel.querySelector('#recent-rows');
      const next = new DOMParser().parseFromString(await res.text(), 'text/html').body.firstElementChild;
      if (rows && next) rows.replaceWith(next);
    } catch {
      // Offline for a moment: the next tick tries again.
    }
  };
  setInterval(refresh, 3000);
}
