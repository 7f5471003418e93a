-- A notice's digest line in French, for people whose locale is fr (their
-- own, else the instance's): '' when the notice has none (the English
-- line, notices.text, is then used).
ALTER TABLE notices ADD COLUMN text_fr TEXT NOT NULL DEFAULT '';
