-- The linked member's first name, as the machine greets them: branch staff see who is on a machine
-- (GET /v1/branches/{branchId}/links), and a machine that reconnects mid-workout is told it again.
ALTER TABLE links ADD COLUMN display_name text;
