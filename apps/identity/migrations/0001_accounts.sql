CREATE TABLE users (
  id uuid PRIMARY KEY,
  email text NOT NULL,
  username text NOT NULL,
  password_hash text NOT NULL,
  name text NOT NULL,
  is_platform_admin boolean NOT NULL DEFAULT false,
  -- demographics, fitness level and goal, diet preferences: not health data
  profile jsonb NOT NULL DEFAULT '{}'::jsonb,
  -- health conditions, AES-GCM sealed with the data key
  health_sealed text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));
CREATE UNIQUE INDEX users_username_key ON users (lower(username));

CREATE TABLE branches (
  id uuid PRIMARY KEY,
  name text NOT NULL,
  address text NOT NULL,
  timezone text NOT NULL,
  opening_hours jsonb,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX branches_name_key ON branches (lower(name));

CREATE TABLE branch_staff (
  branch_id uuid NOT NULL REFERENCES branches (id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  role text NOT NULL CHECK (role IN ('branch_admin', 'trainer')),
  granted_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (branch_id, user_id)
);
CREATE INDEX branch_staff_user ON branch_staff (user_id);

CREATE TABLE body_measurements (
  id uuid PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  measured_at timestamptz NOT NULL,
  source text NOT NULL,
  -- the figures, AES-GCM sealed with the data key
  sealed text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX body_measurements_history ON body_measurements (user_id, measured_at DESC, id DESC);

-- A sign-in session: the family of refresh tokens that rotate from one login.
CREATE TABLE sessions (
  id uuid PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz,
  revoked_reason text
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE refresh_tokens (
  token_hash text PRIMARY KEY,
  session_id uuid NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  issued_at timestamptz NOT NULL DEFAULT now(),
  used_at timestamptz
);
CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id);

CREATE TABLE signing_keys (
  kid text PRIMARY KEY,
  alg text NOT NULL,
  public_jwk jsonb NOT NULL,
  private_sealed text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  retired_at timestamptz
);
