// k6: gym machines on the hub (DESIGN.md §6 and §10: many machine sockets, a share of them linked
// to a member and streaming telemetry at 1 Hz), for users' own environments:
//
//   k6 run -e GATEWAY_URL=https://api.example.test -e HUB_URL=wss://machines.example.test \
//     -e ADMIN_EMAIL=… -e ADMIN_PASSWORD=… -e MACHINES=2000 -e LINKED=400 tools/bench/k6/machines.js
//
// setup() signs the platform admin in, opens a branch and adds MACHINES machines (their
// credentials come back once, at creation). Each virtual user is one machine: it exchanges its
// secret for a machine token, opens the hub's WebSocket, says `hello` and heartbeats; the first
// LINKED of them also ask for a QR code, link a fresh member by it (as the member's phone would,
// through the gateway) and stream telemetry at 1 Hz, every frame acknowledged by its id. The
// figures: frames acknowledged, acknowledgement latency (ack_ms, p99 < 100 ms), errors. The
// autocannon-era mirror on the development machine is `pnpm bench:hub` (tools/bench/hub-bench.ts,
// its own WebSocket driver; docs/benchmarks-hub.md). Load only an environment you run yourself.
import http from 'k6/http';
import ws from 'k6/ws';
import { check, fail } from 'k6';
import { Counter, Trend } from 'k6/metrics';

const GATEWAY = __ENV.GATEWAY_URL || 'http://127.0.0.1:8080';
const HUB = __ENV.HUB_URL || 'ws://127.0.0.1:8081';
const MACHINES = Number(__ENV.MACHINES || 200);
const LINKED = Number(__ENV.LINKED || Math.ceil(MACHINES / 5));
const DURATION_S = Number(__ENV.DURATION_S || 300);

const ackMs = new Trend('ack_ms', true);
const acked = new Counter('frames_acked');
const frameErrors = new Counter('frame_errors');

export const options = {
  setupTimeout: '10m',
  scenarios: {
    machines: {
      executor: 'per-vu-iterations',
      vus: MACHINES,
      iterations: 1,
      maxDuration: `${DURATION_S + 120}s`,
    },
  },
  thresholds: {
    ack_ms: ['p(99)<100'],
    frame_errors: ['count<1'],
    checks: ['rate>0.999'],
  },
  summaryTrendStats: ['avg', 'med', 'p(90)', 'p(99)', 'max'],
};

const json = (token) => ({
  headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
});

export function setup() {
  const login = http.post(
    `${GATEWAY}/v1/auth/login`,
    JSON.stringify({ login: __ENV.ADMIN_EMAIL, password: __ENV.ADMIN_PASSWORD }),
    json(),
  );
  if (login.status !== 200) fail(`admin login failed: ${login.status}`);
  const admin = login.json('accessToken');
  const branch = http.post(
    `${GATEWAY}/v1/branches`,
    JSON.stringify({ name: `k6 machines ${Date.now()}`, address: '1 Load Street' }),
    json(admin),
  );
  if (branch.status !== 201) fail(`opening a branch failed: ${branch.status}`);
  const branchId = branch.json('id');
  const machines = [];
  for (let i = 0; i < MACHINES; i++) {
    const created = http.post(
      `${GATEWAY}/v1/branches/${branchId}/machines`,
      JSON.stringify({ name: `k6 machine ${i}`, type: 'cardio', location: 'Floor 1' }),
      json(admin),
    );
    if (created.status !== 201) fail(`adding machine ${i} failed: ${created.status}`);
    machines.push(created.json('credentials'));
  }
  return { machines };
}

const uuid = () =>
  'xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx'.replace(/[xy]/g, (c) => {
    const r = (Math.random() * 16) | 0;
    return (c === 'x' ? r : (r & 0x3) | 0x8).toString(16);
  });

/** A fresh member's token, to link by the machine's QR code as the member's phone would. */
function memberToken() {
  const unique = `${__VU}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const response = http.post(
    `${GATEWAY}/v1/auth/register`,
    JSON.stringify({
      email: `k6-m-${unique}@example.test`,
      username: `k6m_${unique.replaceAll('-', '_')}`,
      password: 'correct horse battery',
      name: 'k6 Member',
    }),
    json(),
  );
  return response.status === 201 ? response.json('accessToken') : undefined;
}

export default function (data) {
  const { machineId, secret } = data.machines[__VU - 1];
  const token = http.post(`${GATEWAY}/v1/machines/token`, JSON.stringify({ machineId, secret }), json());
  if (!check(token, { 'machine token': (r) => r.status === 200 })) return;
  const streams = __VU <= LINKED;
  const sent = new Map();
  const send = (socket, type, fields = {}) => {
    const id = uuid();
    sent.set(id, Date.now());
    socket.send(JSON.stringify({ type, id, ts: new Date().toISOString(), ...fields }));
  };
  const response = ws.connect(
    `${HUB}/v1/machines/connect`,
    { headers: { authorization: `Bearer ${token.json('accessToken')}` } },
    (socket) => {
      let linkId;
      let heartbeat = 15;
      socket.on('open', () =>
        send(socket, 'hello', { firmware: 'k6-1.0', capabilities: ['telemetry', 'qr'] }),
      );
      socket.on('message', (raw) => {
        const frame = JSON.parse(raw);
        if (frame.type === 'ack' && sent.has(frame.id)) {
          ackMs.add(Date.now() - sent.get(frame.id));
          acked.add(1);
          sent.delete(frame.id);
        } else if (frame.type === 'error') frameErrors.add(1);
        else if (frame.type === 'welcome') {
          heartbeat = frame.heartbeatIntervalS || heartbeat;
          socket.setInterval(() => send(socket, 'heartbeat'), heartbeat * 1000);
          if (streams) send(socket, 'qr.request');
        } else if (frame.type === 'qr' && streams && !linkId) {
          const member = memberToken();
          const linked = member
            ? http.post(`${GATEWAY}/v1/machines/link`, JSON.stringify({ qrToken: frame.token }), json(member))
            : undefined;
          check(linked, { 'member linked by QR': (r) => r !== undefined && r.status === 200 });
        } else if (frame.type === 'linked') {
          linkId = frame.linkId;
          socket.setInterval(
            () =>
              send(socket, 'telemetry', {
                linkId,
                metrics: { speedKph: 8 + Math.random() * 4, heartRate: 120 + Math.round(Math.random() * 40) },
              }),
            1000,
          );
        }
      });
      socket.setTimeout(() => socket.close(), DURATION_S * 1000);
    },
  );
  check(response, { 'socket opened': (r) => r && r.status === 101 });
}
