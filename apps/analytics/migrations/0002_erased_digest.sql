-- Erasure keeps no member id: a late event is recognised by the SHA-256 of its user id instead.
ALTER TABLE erased_members ADD COLUMN user_digest text;
UPDATE erased_members SET user_digest = encode(sha256(convert_to(user_id, 'UTF8')), 'hex');
ALTER TABLE erased_members DROP COLUMN user_id;
ALTER TABLE erased_members ALTER COLUMN user_digest SET NOT NULL;
ALTER TABLE erased_members ADD PRIMARY KEY (user_digest);
