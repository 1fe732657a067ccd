-- Each member's points total, kept with every award (the ledger only grows: summing it for each
-- live push and each read grew with the member's history).
CREATE TABLE member_points (
  user_id text PRIMARY KEY,
  total int NOT NULL
);
INSERT INTO member_points (user_id, total)
  SELECT user_id, sum(points)::int FROM points_ledger GROUP BY user_id;
