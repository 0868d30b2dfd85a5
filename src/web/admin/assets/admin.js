// The admin UI's only script, served from /admin/assets so the CSP can forbid inline script.


async function copyFrom(button) {
  const field = document.getElementById(button.dataset.copy);
  if (!field) return;
  try {
    // The Clipboard API needs a secure context (https or localhost).
    await navigator.clipboard.writeText(field.value);
  } catch {
    field.select();
    document.execCommand('copy');
  }
  const label = button.textContent;
  button.textContent = 'Copied';
  button.classList.add('done');
  setTimeout(() => {
    button.textContent = label;
    button.classList.remove('done');
  }, 1500);
}

document.addEventListener('click', (event) => {
  const button = event.target instanceof Element ? event.target.closest('button.copy') : null;
  if (button) void copyFrom(button);
});

document.addEventListener('submit', (event) => {
  const form = event.target;
  if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) event.preventDefault();
});

// Times arrive as UTC in <time datetime>; show them in the viewer's own time zone.
const LOCAL_FORMATS = {
  date: { dateStyle: 'medium' },
  datetime: { dateStyle: 'medium', timeStyle: 'short' },
};

function showLocalTimes() {
  for (const element of document.querySelectorAll('time[data-local]')) {
    const date = new Date(element.getAttribute('datetime'));
    const format = LOCAL_FORMATS[element.dataset.local];
    if (!format || Number.isNaN(date.getTime())) continue;
    element.textContent = new Intl.DateTimeFormat(undefined, format).format(date);
  }
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', showLocalTimes);
else showLocalTimes();
