-- One meal per stored photo: the gateway repeats an upload's request while nutrition restarts,
-- and the repeat must find the meal the first one stored, not make a second.
CREATE UNIQUE INDEX meals_one_per_photo ON meals (photo_key) WHERE photo_key IS NOT NULL;

-- Work owed to the meal detection service for a photo meal: its analysis (`detect`, when the
-- service was down, slow or its breaker open at upload) or the member's confirmation as feedback
-- (`feedback`). Written in the same transaction as the meal or its confirmation; the retry job
-- takes due rows (leasing them by moving `due_at`), so any replica may do it and none twice at once.
CREATE TABLE photo_work (
  meal_id uuid NOT NULL,
  kind text NOT NULL CHECK (kind IN ('detect', 'feedback')),
  user_id uuid NOT NULL,
  due_at timestamptz NOT NULL,
  attempts integer NOT NULL DEFAULT 0,
  last_error text,
  -- feedback: what to send ({analysisId, imageHash, items})
  payload jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (meal_id, kind)
);
CREATE INDEX photo_work_due ON photo_work (due_at);
CREATE INDEX photo_work_by_user ON photo_work (user_id);
