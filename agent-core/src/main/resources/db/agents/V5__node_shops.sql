-- Where each node sells its agents' skills: a shop asked for an agent another node holds says where.
ALTER TABLE nodes ADD COLUMN shop_url VARCHAR(300);
