-- One word for one thing: a dead letter's time is when it was created (it was "parked_at").
ALTER TABLE dead_letters RENAME COLUMN parked_at TO created_at;
