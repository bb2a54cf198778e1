// The console's router: #/<page>/<args...> picks a page module, which
// renders into <main> and returns a function that stops its live updates.
import { token } from './api.js';
import { notice } from './dom.js';
import executions from './pages/executions.js';
import execution from './pages/execution.js';
import machines from './pages/machines.js';
import start from './pages/start.js';
import assets from './pages/assets.js';
import deadletters from './pages/deadletters.js';
import system from './pages/system.js';

const pages = { executions, execution, machines, start, assets, deadletters, system };
let stop = () => {};

async function route() {
  stop();
  stop = () => {};
  notice('');
  const [path, search = ''] = location.hash.replace(/^#\/?/, '').split('?');
  const [name = 'executions', ...args] = path.split('/').map(decodeURIComponent);
  const page = pages[name] || executions;
  for (const a of document.querySelectorAll('[data-nav]')) {
    if (a.dataset.nav === name || (name === 'execution' && a.dataset.nav === 'executions')) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  const main = document.getElementById('main');
  main.replaceChildren();
  try {
    stop = (await page(main, args, new URLSearchParams(search))) || (() => {});
  } catch (e) {
    notice(e.message, 'error');
  }
}

function login() {
  const input = document.getElementById('token');
  input.value = token.get();
  document.getElementById('login').addEventListener('submit', (e) => {
    e.preventDefault();
    token.set(input.value.trim());
    notice(input.value.trim() ? 'Token saved for this tab.' : 'Token cleared.');
    route();
  });
  document.getElementById('logout').addEventListener('click', () => {
    input.value = '';
    token.set('');
    notice('Token cleared.');
    route();
  });
}

login();
window.addEventListener('hashchange', route);
route();
