//! The Lua scripts that make each step on a room atomic in Redis. Keys and arguments are listed
//! above each; a script that finds the lock held by someone else changes nothing.

use std::sync::LazyLock;

use redis::Script;

/// KEYS lock, room, replay; ARGV token, lock ttl ms, '1' to read the replay list.
/// Returns {1, room, replay} when locked, {0, '', {}} when busy, {-1, '', {}} when there is no room.
pub(super) static ACQUIRE: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r"if redis.call('EXISTS', KEYS[2]) == 0 then return {-1, '', {}} end
          if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return {0, '', {}} end
          local replay = {}
          if ARGV[3] == '1' then replay = redis.call('LRANGE', KEYS[3], 0, -1) end
          return {1, redis.call('GET', KEYS[2]), replay}",
    )
});

/// KEYS lock, room, replay, seats, due, latency; ARGV token, room, ttl ms, replay capacity,
/// seats delta, due ms ('' = none), latency dirty ('1'/'0'), code, then the new events.
/// Returns {1, seats in the cluster} or {0, 0} when the lock is no longer ours.
pub(super) static SAVE: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r"if redis.call('GET', KEYS[1]) ~= ARGV[1] then return {0, 0} end
          redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
          local capacity = tonumber(ARGV[4])
          if capacity > 0 and #ARGV > 8 then
            for i = 9, #ARGV do redis.call('RPUSH', KEYS[3], ARGV[i]) end
            redis.call('LTRIM', KEYS[3], -capacity, -1)
          end
          redis.call('PEXPIRE', KEYS[3], ARGV[3])
          if ARGV[6] == '' then redis.call('ZREM', KEYS[5], ARGV[8])
          else redis.call('ZADD', KEYS[5], ARGV[6], ARGV[8]) end
          if ARGV[7] == '1' then redis.call('SADD', KEYS[6], ARGV[8])
          else redis.call('SREM', KEYS[6], ARGV[8]) end
          return {1, redis.call('INCRBY', KEYS[4], ARGV[5])}",
    )
});

/// KEYS lock, room, replay, rooms, due, latency; ARGV token, code.
pub(super) static DELETE: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r"if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
          redis.call('DEL', KEYS[2], KEYS[3], KEYS[1])
          redis.call('SREM', KEYS[4], ARGV[2])
          redis.call('ZREM', KEYS[5], ARGV[2])
          redis.call('SREM', KEYS[6], ARGV[2])
          return 1",
    )
});

/// KEYS lock; ARGV token.
pub(super) static RELEASE: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r"if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
          return 0",
    )
});

/// KEYS room, rooms, due; ARGV room, ttl ms, code, due ms. Returns 0 when the code is taken.
pub(super) static INSERT: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r"if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 0 end
          redis.call('SADD', KEYS[2], ARGV[3])
          redis.call('ZADD', KEYS[3], ARGV[4], ARGV[3])
          return 1",
    )
});
