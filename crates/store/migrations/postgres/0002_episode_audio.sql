-- An episode's audio file and its MIME type: MP3 or Opus in Ogg. Episodes published
-- before both were recorded are MP3.
ALTER TABLE episodes ADD COLUMN audio_file TEXT NOT NULL DEFAULT 'episode.mp3';
ALTER TABLE episodes ADD COLUMN audio_type TEXT NOT NULL DEFAULT 'audio/mpeg';
