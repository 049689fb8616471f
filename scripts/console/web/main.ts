import { alertsPage } from './alerts-page.ts';
import { type ConsoleConfig, get } from './api.ts';
import { createContext } from './context.ts';
import { devicePage } from './device-page.ts';
import { devicesPage } from './devices-page.ts';
import { fleetPage } from './fleet-page.ts';
import { rulesPage } from './rules-page.ts';

// Hash routes (#/fleet, #/devices?…, #/device/<id>, #/alerts?…, #/rules): the server only ever serves `/`.

const main = document.getElementById('main') as HTMLElement;
const banner = document.getElementById('banner') as HTMLElement;

const show = (config: ConsoleConfig) => {
  let context = createContext(config, banner);
  const route = () => {
    context.leave();
    context = createContext(config, banner);
    const hash = location.hash.replace(/^#/, '') || '/fleet';
    const [path = '/fleet', search = ''] = hash.split('?');
    const query = new URLSearchParams(search);
    const segments = path.split('/').filter((segment) => segment !== '');
    delete main.dataset.rendered;
    const page = segments[0] ?? 'fleet';
    for (const link of document.querySelectorAll<HTMLAnchorElement>('nav a')) {
      const current = link.getAttribute('href') === `#/${page === 'device' ? 'devices' : page}`;
      if (current) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    }
    if (page === 'devices') devicesPage(main, context, query);
    else if (page === 'device' && segments[1] !== undefined)
      devicePage(main, context, decodeURIComponent(segments[1]), query);
    else if (page === 'alerts') alertsPage(main, context, query);
    else if (page === 'rules') rulesPage(main, context);
    else fleetPage(main, context);
    document.title = `${main.querySelector('h1')?.textContent ?? 'Fleet'} · FleetStream console`;
  };
  window.addEventListener('hashchange', () => {
    route();
    main.focus({ preventScroll: true });
  });
  route();
};

const target = document.getElementById('target') as HTMLElement;
get<ConsoleConfig>('/console/config.json').then(
  (config) => {
    target.textContent =
      config.target === 'local' ? `local · ${config.apiLabel}` : `AWS · ${config.apiLabel}`;
    show(config);
  },
  () => {
    banner.textContent =
      'Cannot load the console settings: the server that served this page has stopped. Start it again ("npm start" or "npm run console") and reload.';
    banner.hidden = false;
  },
);
