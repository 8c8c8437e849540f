-- ringcache entry protocol for Redis, one atomic step per call: the rules of
-- dev.ringcache.api.spi.EntryProtocol, step for step. KEYS[1] is the record's key, ARGV[1] the
-- operation. A record is one hash:
--   t   V (value) | L (locked) | T (tombstone) | P (lease)
--   v   the value (V)                      ver  its version (V, T), a decimal; absent: none
--   lk:<id>  one field per lock holder (L) c    1 if concurrent (L)
--   b   the version the lock replaced (L)  cv   newest version committed by unlocked writers (L)
--   d   1: a committed delete (T, L)       g    generation
--   ls  the lease token (P)
-- Versions are compared as signed decimals, never as Lua numbers (doubles lose 64-bit precision).
-- Record lifetimes are Redis expiries, in the key's own node clock.
-- A counter ('incr') is not a record: a plain Redis string holding a decimal, under a key used for
-- nothing else.

local key = KEYS[1]
local op = ARGV[1]

local function vcmp(a, b)
  if a == b then return 0 end
  if a == nil then return -1 end
  if b == nil then return 1 end
  local aneg = string.sub(a, 1, 1) == '-'
  local bneg = string.sub(b, 1, 1) == '-'
  if aneg ~= bneg then
    if aneg then return -1 else return 1 end
  end
  local r
  if #a ~= #b then
    if #a < #b then r = -1 else r = 1 end
  else
    if a < b then r = -1 else r = 1 end
  end
  if aneg then r = -r end
  return r
end

local function vmax(a, b)
  if vcmp(a, b) >= 0 then return a end
  return b
end

local function version(arg)
  if arg == '' then return nil end
  return arg
end

local function load()
  local flat = redis.call('HGETALL', key)
  if #flat == 0 then return nil end
  local r = {}
  for i = 1, #flat, 2 do r[flat[i]] = flat[i + 1] end
  return r
end

local function gen(r)
  if r == nil or r.g == nil then return 0 end
  return tonumber(r.g)
end

local function lockCount(r)
  local n = 0
  for field, _ in pairs(r) do
    if string.sub(field, 1, 3) == 'lk:' then n = n + 1 end
  end
  return n
end

local function replace(fields, ttl)
  redis.call('DEL', key)
  redis.call('HSET', key, unpack(fields))
  redis.call('PEXPIRE', key, ttl)
end

local function setValue(v, ver, g, ttl)
  local f = {'t', 'V', 'v', v, 'g', g}
  if ver ~= nil then f[#f + 1] = 'ver'; f[#f + 1] = ver end
  replace(f, ttl)
end

local function setTombstone(ver, deleted, g, ttl)
  local f = {'t', 'T', 'g', g}
  if deleted then
    f[#f + 1] = 'd'; f[#f + 1] = '1'
  elseif ver ~= nil then
    f[#f + 1] = 'ver'; f[#f + 1] = ver
  end
  replace(f, ttl)
end

local function knownVersion(r)
  if r ~= nil and (r.t == 'V' or r.t == 'T') then return r.ver end
  return nil
end

if op == 'put' then
  replace({'t', 'V', 'v', ARGV[2], 'g', 0}, tonumber(ARGV[3]))
  return 1

elseif op == 'lease' then
  local r = load()
  if r ~= nil then
    if r.t == 'V' then return {'HIT', r.v, r.ver or ''} end
    if r.t == 'L' then return {'LOCKED'} end
    if r.t == 'P' then return {'MISS'} end
  end
  if ARGV[2] ~= '1' then return {'MISS'} end
  local g = gen(r) + 1
  local token = g .. ':' .. ARGV[3]
  local ttl = tonumber(ARGV[4])
  local remaining = redis.call('PTTL', key)
  if remaining > ttl then ttl = remaining end
  replace({'t', 'P', 'g', g, 'ls', token}, ttl)
  return {'LEASED', token}

elseif op == 'load' then
  local r = load()
  local v, ver, token = ARGV[2], version(ARGV[3]), ARGV[4]
  local minimal, ttl = ARGV[5] == '1', tonumber(ARGV[6])
  if r ~= nil and r.t == 'L' then return 'REJECTED_LOCKED' end
  if token ~= '' then
    if r ~= nil and r.t == 'P' and r.ls == token then
      setValue(v, ver, gen(r), ttl)
      return 'STORED'
    end
    return 'REJECTED_LEASE'
  end
  if r == nil then
    setValue(v, ver, 0, ttl)
    return 'STORED'
  end
  if r.t == 'V' then
    if not minimal and ver ~= nil and r.ver ~= nil and vcmp(ver, r.ver) > 0 then
      setValue(v, ver, gen(r), ttl)
      return 'STORED'
    end
    return 'REJECTED_PRESENT'
  end
  if r.t == 'T' and r.d == nil and ver ~= nil and r.ver ~= nil and vcmp(ver, r.ver) >= 0 then
    setValue(v, ver, gen(r), ttl)
    return 'STORED'
  end
  return 'REJECTED_TOMBSTONE'

elseif op == 'lock' then
  local r = load()
  local id, ttl = ARGV[2], tonumber(ARGV[3])
  if r ~= nil and r.t == 'L' then
    local again = r['lk:' .. id] ~= nil
    local holders = lockCount(r)
    if not again then redis.call('HSET', key, 'lk:' .. id, '1', 'c', '1') end
    redis.call('HINCRBY', key, 'g', 1)
    if redis.call('PTTL', key) < ttl then redis.call('PEXPIRE', key, ttl) end
    if (not again) or holders > 1 then return 1 end
    return 0
  end
  local f = {'t', 'L', 'lk:' .. id, '1', 'g', gen(r) + 1}
  local base = knownVersion(r)
  if base ~= nil then f[#f + 1] = 'b'; f[#f + 1] = base end
  replace(f, ttl)
  return 0

elseif op == 'unlock' then
  local r = load()
  local id, committed, delete = ARGV[2], ARGV[3] == '1', ARGV[4] == '1'
  local hasValue, v, ver = ARGV[5] == '1', ARGV[6], version(ARGV[7])
  local valueTtl, tombstoneTtl = tonumber(ARGV[8]), tonumber(ARGV[9])
  local cver = nil
  if committed then cver = ver end
  local deletes = committed and delete
  if r ~= nil and r.t == 'L' then
    local merged = vmax(r.cv, cver)
    local mergedDelete = (r.d ~= nil) or deletes
    local ours = r['lk:' .. id] ~= nil
    if (not ours) or lockCount(r) > 1 then
      if ours then redis.call('HDEL', key, 'lk:' .. id) end
      redis.call('HSET', key, 'c', '1')
      if merged ~= nil then redis.call('HSET', key, 'cv', merged) end
      if mergedDelete then redis.call('HSET', key, 'd', '1') end
      redis.call('HINCRBY', key, 'g', 1)
      if ours then return 'STILL_LOCKED' end
      return 'MERGED'
    end
    if committed and hasValue and r.c == nil and not mergedDelete then
      setValue(v, ver, gen(r) + 1, valueTtl)
      return 'WROTE_VALUE'
    end
    setTombstone(vmax(r.b, merged), mergedDelete, gen(r) + 1, tombstoneTtl)
    return 'WROTE_TOMBSTONE'
  end
  local deleted = deletes or (r ~= nil and r.t == 'T' and r.d ~= nil)
  setTombstone(vmax(knownVersion(r), cver), deleted, gen(r) + 1, tombstoneTtl)
  return 'LOCK_LOST'

elseif op == 'insert' then
  local r = load()
  local v, ver, ttl = ARGV[2], version(ARGV[3]), tonumber(ARGV[4])
  if r == nil then
    setValue(v, ver, 0, ttl)
    return 'STORED'
  end
  if r.t == 'T' and r.d == nil and r.ver ~= nil and ver ~= nil and vcmp(ver, r.ver) > 0 then
    setValue(v, ver, gen(r), ttl)
    return 'STORED'
  end
  return 'SKIPPED'

elseif op == 'evict' then
  local r = load()
  if r ~= nil and r.t == 'L' then
    redis.call('HSET', key, 'c', '1') -- its last unlock must leave a tombstone
    redis.call('HINCRBY', key, 'g', 1)
    return 'KEPT_LOCK'
  end
  local deleted = r ~= nil and r.t == 'T' and r.d ~= nil
  setTombstone(knownVersion(r), deleted, gen(r) + 1, tonumber(ARGV[2]))
  return 'TOMBSTONED'

elseif op == 'drop' then
  -- Only a value whose bytes are exactly ARGV[2] goes; the key is then absent, not a tombstone.
  local found = redis.call('HMGET', key, 't', 'v')
  if found[1] == 'V' and found[2] == ARGV[2] then
    redis.call('DEL', key)
    return 1
  end
  return 0

elseif op == 'incr' then
  -- EXISTS is false for an expired key: a counter past its time starts again at the seed. INCR
  -- keeps the key's expiry.
  if redis.call('EXISTS', key) == 1 then
    redis.call('INCR', key)
  else
    redis.call('SET', key, ARGV[2], 'PX', ARGV[3])
  end
  -- The decimal as Redis holds it: INCR's integer would pass through a Lua double, which loses
  -- precision past 2^53.
  return redis.call('GET', key)

elseif op == 'inspect' then
  return {redis.call('PTTL', key), redis.call('HGETALL', key)}
end
return redis.error_reply('ringcache: unknown operation ' .. tostring(op))
