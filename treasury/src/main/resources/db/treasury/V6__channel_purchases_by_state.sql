-- a buyer asks, before every voucher, whether another purchase on the channel is in flight: find
-- those by channel and state, not by reading every purchase the channel ever carried
CREATE INDEX payments_channel_state ON payments (channel_id, state);
DROP INDEX payments_channel;
