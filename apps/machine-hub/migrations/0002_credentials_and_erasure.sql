-- Rotating a machine's secret bumps its generation; machine tokens name the generation they were
-- issued under (sid machine-<id>-g<n>), so every token of an older secret is refused.
ALTER TABLE machines ADD COLUMN secret_generation integer NOT NULL DEFAULT 1;
-- A decommissioned machine keeps its row, links and maintenance log, and can never connect again.
ALTER TABLE machines ADD COLUMN decommissioned_at timestamptz;

-- An erased member's links stay as machine history, without who it was.
ALTER TABLE links ALTER COLUMN user_id DROP NOT NULL;
-- Likewise an erased staff member's maintenance entries.
ALTER TABLE maintenance_log ALTER COLUMN by_user_id DROP NOT NULL;
