// k6: the mixed member journey of DESIGN.md §10 ("10,000 concurrent members, each with the live
// feed open and a mixed request every 4–8 s, p99 < 200 ms with no errors"), for users' own
// environments:
//
//   k6 run -e GATEWAY_URL=https://api.example.test -e MEMBERS=10000 -e BRANCH_ID=<a branch> \
//     tools/bench/k6/member-journey.js
//
// Two scenarios run side by side, MEMBERS virtual users each:
//   journey  every member registers once, generates a plan, then every 4–8 s does one of: read
//            their profile, their points, their active plan, their week, the exercise library;
//            log a set (checking in first when BRANCH_ID is given); check out now and then.
//   live     as many members again hold `GET /v1/live` open for the whole run (the feed closes
//            when the token expires: keep DURATION under ACCESS_TOKEN_TTL_S, 900 s by default).
// Start the gateway with RATE_LIMIT_MAX and AUTH_RATE_LIMIT_MAX high enough for this many members
// behind one load generator address, or run the generator from many. The autocannon mirror run on
// the development machine is tools/bench/member-bench.ts (see docs/benchmarks-k6.md).
// Load only an environment you run yourself.
import http from 'k6/http';
import ws from 'k6/ws';
import { check, sleep } from 'k6';
import { Counter } from 'k6/metrics';

const BASE = __ENV.GATEWAY_URL || 'http://127.0.0.1:8080';
const MEMBERS = Number(__ENV.MEMBERS || 1000);
const DURATION = __ENV.DURATION || '5m';
const BRANCH_ID = __ENV.BRANCH_ID || '';
const PASSWORD = __ENV.MEMBER_PASSWORD || 'correct horse battery';
const liveMessages = new Counter('live_messages');

export const options = {
  scenarios: {
    journey: {
      executor: 'constant-vus',
      vus: MEMBERS,
      duration: DURATION,
      exec: 'journey',
      gracefulStop: '10s',
    },
    live: {
      executor: 'constant-vus',
      vus: MEMBERS,
      duration: DURATION,
      exec: 'live',
      gracefulStop: '10s',
    },
  },
  thresholds: {
    'http_req_duration{scenario:journey}': ['p(99)<200'],
    'http_req_failed{scenario:journey}': ['rate<0.001'],
    checks: ['rate>0.999'],
  },
  summaryTrendStats: ['avg', 'med', 'p(90)', 'p(99)', 'max'],
};

const json = { headers: { 'content-type': 'application/json' } };
const authed = (token, name) => ({
  headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
  tags: { name },
});

/** A fresh member of this VU's own (registration is part of the journey, and of its figures). */
function register() {
  const unique = `${__VU}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
  const response = http.post(
    `${BASE}/v1/auth/register`,
    JSON.stringify({
      email: `k6-${unique}@example.test`,
      username: `k6_${unique.replaceAll('-', '_')}`,
      password: PASSWORD,
      name: 'k6 Member',
    }),
    { ...json, tags: { name: 'POST /v1/auth/register' } },
  );
  check(response, { registered: (r) => r.status === 201 });
  return response.status === 201 ? response.json('accessToken') : undefined;
}

let token;
let checkedIn = false;

export function journey() {
  if (!token) {
    token = register();
    if (!token) return sleep(5);
    const plan = http.post(
      `${BASE}/v1/workouts/plans/generate`,
      JSON.stringify({ daysPerWeek: 3 }),
      authed(token, 'POST /v1/workouts/plans/generate'),
    );
    check(plan, { 'plan generated': (r) => r.status === 201 });
  }
  const roll = Math.random();
  let response;
  if (roll < 0.2) response = http.get(`${BASE}/v1/me`, authed(token, 'GET /v1/me'));
  else if (roll < 0.35) response = http.get(`${BASE}/v1/me/points`, authed(token, 'GET /v1/me/points'));
  else if (roll < 0.5)
    response = http.get(`${BASE}/v1/workouts/plans/active`, authed(token, 'GET /v1/workouts/plans/active'));
  else if (roll < 0.6)
    response = http.get(
      `${BASE}/v1/analytics/workouts?period=week`,
      authed(token, 'GET /v1/analytics/workouts'),
    );
  else if (roll < 0.7)
    response = http.get(
      `${BASE}/v1/workouts/exercises?limit=20`,
      authed(token, 'GET /v1/workouts/exercises'),
    );
  else if (roll < 0.95) {
    if (BRANCH_ID && !checkedIn) {
      const checkIn = http.post(
        `${BASE}/v1/sessions/check-in`,
        JSON.stringify({ branchId: BRANCH_ID }),
        authed(token, 'POST /v1/sessions/check-in'),
      );
      checkedIn = checkIn.status === 201 || checkIn.status === 409;
    }
    response = http.post(
      `${BASE}/v1/workouts/logs`,
      JSON.stringify({ exerciseId: 'bench-press', weightKg: 40 + Math.round(Math.random() * 60), reps: 5 }),
      authed(token, 'POST /v1/workouts/logs'),
    );
  } else {
    response = http.post(`${BASE}/v1/sessions/check-out`, null, authed(token, 'POST /v1/sessions/check-out'));
    checkedIn = false;
    // No open session is an answer too.
    check(response, { 'checked out (or nothing open)': (r) => r.status === 200 || r.status === 404 });
    return sleep(4 + Math.random() * 4);
  }
  check(response, { 'answered 2xx': (r) => r.status >= 200 && r.status < 300 });
  sleep(4 + Math.random() * 4);
}

let liveToken;

export function live() {
  liveToken = liveToken || register();
  if (!liveToken) return sleep(5);
  const url = `${BASE.replace(/^http/, 'ws')}/v1/live`;
  const response = ws.connect(
    url,
    { headers: { 'Sec-WebSocket-Protocol': `bearer, ${liveToken}` } },
    (socket) => {
      socket.on('message', () => liveMessages.add(1));
      // Hold it until the scenario ends (or the gateway closes it when the token expires).
      socket.setTimeout(() => socket.close(), 3_600_000);
    },
  );
  check(response, { 'live feed opened': (r) => r && r.status === 101 });
  // A closed feed (token expired, gateway restarted) is reopened with a new member after a pause.
  liveToken = undefined;
  sleep(1);
}
