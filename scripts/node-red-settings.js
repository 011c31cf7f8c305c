'use strict';
// Node-RED settings for `npm start`: the pack loaded from this checkout, the contrib nodes from its node_modules,
// the editor and dashboard on 127.0.0.1 unless TWIN_HOST says otherwise (then editor and dashboard logins are
// required, see README "Exposing the twin" and "Dashboard logins").
const path = require('node:path');
const os = require('node:os');

const projectRoot = path.resolve(__dirname, '..');
const { dashboardLogin } = require('../dist/lib/identity/dashboard-login');
const { dashboardUsers } = require('../dist/lib/identity/users');
const { credentialSecret } = require('../dist/lib/identity/credential-secret');

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

// Node-RED reads --userDir (or -u) after the settings file; the users file and the credential key live there.
function userDir() {
  const args = process.argv;
  const inline = args.find((a) => a.startsWith('--userDir='));
  if (inline) return path.resolve(inline.slice('--userDir='.length));
  const at = args.findIndex((a) => a === '--userDir' || a === '-u');
  if (at >= 0 && args[at + 1]) return path.resolve(args[at + 1]);
  return path.join(os.homedir(), '.node-red');
}

// The reference flow reads the PLC addresses from these variables (${TWIN_OPCUA_ENDPOINT} etc. in its config
// nodes); the defaults are the simulated plant's.
process.env.TWIN_OPCUA_ENDPOINT = process.env.TWIN_OPCUA_ENDPOINT || 'opc.tcp://127.0.0.1:4840/UA/DigitalTwinPlant';
process.env.TWIN_MODBUS_HOST = process.env.TWIN_MODBUS_HOST || '127.0.0.1';
process.env.TWIN_MODBUS_PORT = process.env.TWIN_MODBUS_PORT || '5020';
// Hours of machine life per clock hour: the simulated plant wears 1440 times faster than the clock. Set 1 for a real plant.
process.env.TWIN_SPEEDUP = process.env.TWIN_SPEEDUP || '1440';

function adminAuth() {
  const username = process.env.TWIN_ADMIN_USER;
  const password = process.env.TWIN_ADMIN_PASSWORD_HASH;
  if (!username || !password) return undefined;
  return { type: 'credentials', users: [{ username, password, permissions: '*' }] };
}

// Dashboard users: <userDir>/dashboard-users.json (or TWIN_DASHBOARD_USERS_FILE) and TWIN_DASHBOARD_USER /
// TWIN_DASHBOARD_PASSWORD_HASH. Approving a PLC write is never anonymous: beyond loopback a login is required.
const uiHost = process.env.TWIN_HOST || '127.0.0.1';
const login = dashboardLogin(dashboardUsers(process.env, process.env.TWIN_DASHBOARD_USERS_FILE || path.join(userDir(), 'dashboard-users.json')));
if (!LOOPBACK.has(uiHost) && !login.required) {
  throw new Error(`refusing to serve the dashboard on ${uiHost} without a login: add users to ${path.join(userDir(), 'dashboard-users.json')} ` +
    'or set TWIN_DASHBOARD_USER and TWIN_DASHBOARD_PASSWORD_HASH (see README "Dashboard logins")');
}

module.exports = {
  uiHost,
  uiPort: Number(process.env.TWIN_PORT || 1880),
  flowFile: 'flows.json',
  flowFilePretty: true,
  nodesDir: [projectRoot],
  adminAuth: adminAuth(),
  httpNodeAuth: login.httpNodeAuth,
  ui: { path: 'ui', ioMiddleware: login.ioMiddleware },
  // Flow credentials (the PLC's OPC UA user, database passwords) are encrypted with this key: TWIN_CREDENTIAL_SECRET,
  // or one generated on the first start and kept in <userDir>/credential-secret (readable by its owner only).
  credentialSecret: credentialSecret(process.env, userDir()),
  contextStorage: {
    default: { module: 'localfilesystem', config: { flushInterval: 10 } },
  },
  logging: { console: { level: process.env.TWIN_LOG_LEVEL || 'info', metrics: false, audit: false } },
  diagnostics: { enabled: false },
  // A plant network is usually closed: no update pings, and no consent prompt in the operator's editor.
  telemetry: { enabled: false, updateNotification: false },
  editorTheme: {
    projects: { enabled: false },
    // No palette catalogue from the internet: plant networks are closed. Install palettes with npm in the user dir.
    palette: { catalogues: [] },
    tours: false,
    page: { title: 'Digital twin' },
    header: { title: 'Digital twin' },
  },
  functionExternalModules: false,
};
