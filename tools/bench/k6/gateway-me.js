// k6 load test of authenticated GET /v1/me (DESIGN.md §10), for those who have k6:
//
//   k6 run -e GATEWAY_URL=http://127.0.0.1:8080 tools/bench/k6/gateway-me.js
//
// Unlike autocannon's fixed rate (each connection sends its share of the second in a burst), k6's
// arrival-rate executor starts requests evenly over each second, opening virtual users as needed:
// a true open-model 1,000 req/s. It registers one member in setup() and calls /v1/me with its
// token, so start the gateway with RATE_LIMIT_MAX=100000000 (one member at 1,000 req/s is far
// over the default 600 per minute) and keep the run shorter than ACCESS_TOKEN_TTL_S (900 s).
// Load only a gateway you run yourself, on this machine or a test environment.
import http from 'k6/http';
import { check } from 'k6';

const BASE = __ENV.GATEWAY_URL || 'http://127.0.0.1:8080';
const RATE = Number(__ENV.RATE || 1000);

export const options = {
  scenarios: {
    me: {
      executor: 'ramping-arrival-rate',
      startRate: 50,
      timeUnit: '1s',
      preAllocatedVUs: 100,
      maxVUs: 2000,
      stages: [
        { target: RATE, duration: '30s' }, // ramp up
        { target: RATE, duration: '60s' }, // hold: the thresholds are about this
        { target: 0, duration: '5s' },
      ],
    },
  },
  thresholds: {
    'http_req_duration{name:GET /v1/me}': ['p(99)<25', 'p(50)<10'],
    'http_req_failed{name:GET /v1/me}': ['rate<0.001'],
    checks: ['rate>0.999'],
    dropped_iterations: ['count<100'],
  },
  summaryTrendStats: ['avg', 'med', 'p(90)', 'p(99)', 'max'],
};

export function setup() {
  const unique = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
  const response = http.post(
    `${BASE}/v1/auth/register`,
    JSON.stringify({
      email: `k6-${unique}@example.test`,
      username: `k6_${unique}`,
      password: 'correct horse battery',
      name: 'k6 Member',
    }),
    { headers: { 'content-type': 'application/json' }, tags: { name: 'register' } },
  );
  if (response.status !== 201) throw new Error(`register failed: ${response.status} ${response.body}`);
  return { token: response.json('accessToken'), userId: response.json('user.id') };
}

export default function (data) {
  const response = http.get(`${BASE}/v1/me`, {
    headers: { authorization: `Bearer ${data.token}` },
    tags: { name: 'GET /v1/me' },
  });
  check(response, {
    'status is 200': (r) => r.status === 200,
    'is the member': (r) => r.body !== null && String(r.body).includes(data.userId),
  });
}
