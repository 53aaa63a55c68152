/**
 * The Lua scripts that make capacity reservation atomic across every API replica and worker.
 * All keys of a tenant share its hash tag; ARGV[1] is that tag (`<prefix>:{<tenantId>}`), from
 * which the scripts name the per-skill and per-agent keys of the same cluster slot.
 *
 * Keys of a tenant:
 *   lines                HASH capacity, reserved (lines taken for dials not yet placed)
 *   inbound              STRING inbound calls in progress, as reported (expires unless refreshed)
 *   contacts             ZSET live outbound contact ids (score: reservation time, Redis's clock); one line each
 *   contact:<id>         HASH agent (reserved agent id or ''), skill, owner (worker), placed: '0'
 *                        reserved (its line counted in `reserved`), 's' reserved by the worker that
 *                        places it itself (its line counted in use at once), '1' placed (REASSERT);
 *                        paced '1' while among the pacer's dials, waited '1' once among the waiting
 *                        (so that a release removes it only from the sets it may be in)
 *   available:<skill>    ZSET available, unreserved agents (score: available since)
 *   agent:<id>           HASH state, skills, since, reservedFor (libs/agents AgentLiveView)
 *   waiting:<skill>      ZSET answered contacts waiting for an agent (score: answered at)
 *   paced:<skill>        ZSET predictive dials not yet answered (score: reserved at)
 *   pace:<skill>         HASH the pacing leader's word: budget (dials allowed now), budgetUntil,
 *                        dialed (every paced dial ever, a counter), and its control state
 *   pacer:<skill>        STRING the pacing leader's id (a lease); a group of predictive pools sharing
 *                        agents is paced by the worker holding every one of its pools' leases
 *   withdrawn            SET agents taken out of the available sets because PostgreSQL refused
 *                        them (not free there): the keeper offers them again once they are
 *   owners               ZSET workers holding callers of this tenant who wait for an agent (score:
 *                        when their lease ends, Redis's clock): a caller whose worker's lease has
 *                        ended is passed over when agents are handed out (its worker is gone, or
 *                        cut off from Redis: nobody could connect that call now)
 */

// Redis's clock in milliseconds: the time a line was reserved (the contacts set's score) is
// judged by the keeper against the same clock, never against another process's.
const REDIS_MS = `
local function redis_ms()
  local time = redis.call('TIME')
  return tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
end
`;

/** How long a worker's lease on its waiting callers lasts unless renewed (every second while they wait). */
export const OWNER_LEASE_MS = 5_000;

// The oldest caller of a skill waiting for an agent whose worker still holds its lease (see
// `owners`), and that worker. Callers of a dead worker are passed over, not removed: their worker's
// calls are ended by the keeper once its heartbeat has expired; until then nobody blocks behind them.
const OLDEST_SERVABLE = `
local function owner_alive(tag, contact, now)
  local owner = redis.call('HGET', tag .. ':contact:' .. contact, 'owner')
  if not owner then return nil end
  local lease = redis.call('ZSCORE', tag .. ':owners', owner)
  if lease and tonumber(lease) >= now then return owner end
  return nil
end
local function oldest_servable(tag, skill, now)
  for _, contact in ipairs(redis.call('ZRANGE', tag .. ':waiting:' .. skill, 0, 99)) do
    local owner = owner_alive(tag, contact, now)
    if owner then return contact, owner end
  end
  return nil, nil
end
`;

// Gives an agent reserved for `contact` back to its skills' available sets, if it still is.
// Returns 1 when it was, and the agent's other skills than the contact's own, whose pools the
// caller wakes (a blended agent freed by a sales dial is free for care too; the contact's own pool
// is woken by whoever freed it, or is the pool being drained): a wake-up in the shared list, left
// by the caller (CapacityService, through PoolWakeUps: a key of another slot than the tenant's), so
// that no worker has to lead for it to be taken.
const FREE_AGENT = `
local function free_agent(tag, agent, contact, own_skill)
  local woken = {}
  if not agent or agent == '' then return 0, woken end
  local key = tag .. ':agent:' .. agent
  if redis.call('HGET', key, 'reservedFor') ~= contact then return 0, woken end
  redis.call('HDEL', key, 'reservedFor', 'bridging')
  if redis.call('HGET', key, 'state') == 'available' then
    local since = redis.call('HGET', key, 'since') or '0'
    for s in string.gmatch(redis.call('HGET', key, 'skills') or '', '[^,]+') do
      redis.call('ZADD', tag .. ':available:' .. s, since, agent)
      if s ~= own_skill then woken[#woken + 1] = s end
    end
  end
  return 1, woken
end
`;

// Takes the longest-idle available agent of a skill out of every skill it has, for `contact`
// (whose hash names the agent, unless `write_contact` is false: its caller writes the hash itself).
const TAKE_AGENT = `
local function take_agent(tag, skill, contact, write_contact)
  local popped = redis.call('ZPOPMIN', tag .. ':available:' .. skill)
  if #popped == 0 then return nil end
  local agent = popped[1]
  local key = tag .. ':agent:' .. agent
  for s in string.gmatch(redis.call('HGET', key, 'skills') or '', '[^,]+') do
    redis.call('ZREM', tag .. ':available:' .. s, agent)
  end
  redis.call('HSET', key, 'reservedFor', contact)
  if write_contact ~= false then redis.call('HSET', tag .. ':contact:' .. contact, 'agent', agent) end
  return agent
end
`;

// Whether an answered caller of the skill waits while an agent of it is available: then the
// drain serves them (SERVE_WAITING) before it reserves anything for a new dial. A drain pass asks
// this of its first reservation instead of calling SERVE_WAITING first, which nearly always finds
// nobody waiting: one round trip less per pass. (A caller whose worker is gone also makes it true;
// SERVE_WAITING then passes them over, and the drain reserves without asking again.)
const CALLERS_FIRST = `
local function callers_to_serve(tag, skill)
  return redis.call('ZCARD', tag .. ':waiting:' .. skill) > 0 and redis.call('ZCARD', tag .. ':available:' .. skill) > 0
end
`;

/**
 * Reserve a line, and an agent when the agent check is on, for one dial. The bounds:
 * capacity − inbound − outbound − lineReserve ≥ 1 and available − waiting − agentReserve ≥ 1.
 * KEYS: lines, contacts. ARGV: tag, contact, skill, lineReserve, agentCheck (1|0), agentReserve, now, owner,
 * placesItself (1: the owner places the dial itself, within milliseconds, so its line counts as in
 * use from now on and no word is needed at the dial; 0: another process places it, see REASSERT),
 * callersFirst (1: nothing is reserved while an answered caller waits for an agent and one is
 * available: 'callers_waiting', see CALLERS_FIRST).
 * Returns {1, agentId or '', next} or {0, 'no_free_line' | 'no_free_agent' | 'lines_unknown' |
 * 'callers_waiting', next}:
 * `next` says what a next dial of the pool could find after this answer, whatever its AutoCall's
 * reserves (`ROOM_AFTER`): 'no_line', 'no_agent' (a line, but no agent for a dial that checks
 * agents) or 'room'. 'lines_unknown': Redis holds no capacity for the tenant (new, or lost).
 */
export const RESERVE_DIAL = `${TAKE_AGENT}${REDIS_MS}${CALLERS_FIRST}
local tag, contact, skill = ARGV[1], ARGV[2], ARGV[3]
local line_reserve, agent_check, agent_reserve = tonumber(ARGV[4]), ARGV[5], tonumber(ARGV[6])
local contact_key = tag .. ':contact:' .. contact
if redis.call('EXISTS', contact_key) == 1 then return {1, redis.call('HGET', contact_key, 'agent'), 'room'} end
if ARGV[10] == '1' and callers_to_serve(tag, skill) then return {0, 'callers_waiting', 'room'} end
local capacity = redis.call('HGET', KEYS[1], 'capacity')
if not capacity then return {0, 'lines_unknown', 'no_line'} end
local inbound = tonumber(redis.call('GET', ARGV[1] .. ':inbound') or '0')
local lines = tonumber(capacity) - inbound - redis.call('ZCARD', KEYS[2])
-- Free agents of the skill: answered callers already waiting for one come before new dials.
local function free_agents()
  return redis.call('ZCARD', tag .. ':available:' .. skill) - redis.call('ZCARD', tag .. ':waiting:' .. skill)
end
-- What a next dial could find, once this one has taken (or not) a line and an agent.
local function next_room(free_lines, free)
  if free_lines < 1 then return 'no_line' end
  if free and free < 1 then return 'no_agent' end
  return 'room'
end
if lines - line_reserve < 1 then
  return {0, 'no_free_line', next_room(lines, lines >= 1 and agent_check == '1' and free_agents() or nil)}
end
local agent, free = '', nil
if agent_check == '1' then
  free = free_agents()
  if free - agent_reserve < 1 then return {0, 'no_free_agent', next_room(lines, free)} end
end
local placed = ARGV[9] == '1' and 's' or '0'
redis.call('ZADD', KEYS[2], redis_ms(), contact)
if placed == '0' then redis.call('HINCRBY', KEYS[1], 'reserved', 1) end
if agent_check == '1' then agent = take_agent(tag, skill, contact, false) or '' end
redis.call('HSET', contact_key, 'agent', agent, 'skill', skill, 'owner', ARGV[8], 'placed', placed)
return {1, agent, next_room(lines - 1, free and free - 1)}
`;

/**
 * Reserve a line and one given agent (an owned callback goes to its owner only): the agent must be
 * available and unreserved for the skill. KEYS: lines, contacts. ARGV: tag, contact, skill,
 * lineReserve, agent, now, owner. Returns {1, agent} or {0, 'no_free_line' | 'agent_unavailable'}.
 */
export const RESERVE_AGENT_DIAL = `${REDIS_MS}
local tag, contact, skill, agent = ARGV[1], ARGV[2], ARGV[3], ARGV[5]
local contact_key = tag .. ':contact:' .. contact
if redis.call('EXISTS', contact_key) == 1 then return {1, redis.call('HGET', contact_key, 'agent')} end
local capacity = tonumber(redis.call('HGET', KEYS[1], 'capacity') or '0')
local inbound = tonumber(redis.call('GET', ARGV[1] .. ':inbound') or '0')
if capacity - inbound - redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[4]) < 1 then return {0, 'no_free_line'} end
if not redis.call('ZSCORE', tag .. ':available:' .. skill, agent) then return {0, 'agent_unavailable'} end
local agent_key = tag .. ':agent:' .. agent
for s in string.gmatch(redis.call('HGET', agent_key, 'skills') or '', '[^,]+') do
  redis.call('ZREM', tag .. ':available:' .. s, agent)
end
redis.call('HSET', agent_key, 'reservedFor', contact)
redis.call('ZADD', KEYS[2], redis_ms(), contact)
redis.call('HINCRBY', KEYS[1], 'reserved', 1)
redis.call('HSET', contact_key, 'agent', agent, 'skill', skill, 'owner', ARGV[7], 'placed', '0')
return {1, agent}
`;

/**
 * Reserve a line for a predictive dial: no agent is reserved (the pacer dials ahead of agents);
 * the dial spends one unit of the budget the pacing leader set for the pool, while it is fresh.
 * KEYS: lines, contacts. ARGV: tag, contact, skill, lineReserve, now, owner, placesItself,
 * callersFirst (both as RESERVE_DIAL's).
 * Returns {1, ''} or {0, 'no_free_line' | 'pacing' | 'lines_unknown' | 'callers_waiting'}.
 */
export const RESERVE_PACED_DIAL = `${REDIS_MS}${CALLERS_FIRST}
local tag, contact, skill, now = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[5])
local contact_key = tag .. ':contact:' .. contact
if redis.call('EXISTS', contact_key) == 1 then return {1, ''} end
if ARGV[8] == '1' and callers_to_serve(tag, skill) then return {0, 'callers_waiting'} end
local capacity = redis.call('HGET', KEYS[1], 'capacity')
if not capacity then return {0, 'lines_unknown'} end
local inbound = tonumber(redis.call('GET', ARGV[1] .. ':inbound') or '0')
if tonumber(capacity) - inbound - redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[4]) < 1 then return {0, 'no_free_line'} end
local pace = tag .. ':pace:' .. skill
local budget = redis.call('HMGET', pace, 'budget', 'budgetUntil')
-- Redis's clock, not the worker's: every worker agrees on when a budget expires.
local time = redis.call('TIME')
local redis_now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
if tonumber(budget[1] or '0') < 1 or tonumber(budget[2] or '0') < redis_now then return {0, 'pacing'} end
redis.call('HINCRBY', pace, 'budget', -1)
redis.call('HINCRBY', pace, 'dialed', 1)
local placed = ARGV[7] == '1' and 's' or '0'
redis.call('ZADD', KEYS[2], redis_ms(), contact)
if placed == '0' then redis.call('HINCRBY', KEYS[1], 'reserved', 1) end
-- Which budget the dial was taken from (its end is unique to one decision of the leader).
redis.call('HSET', contact_key, 'agent', '', 'skill', skill, 'owner', ARGV[6], 'placed', placed, 'pace', budget[2], 'paced', '1')
redis.call('ZADD', tag .. ':paced:' .. skill, now, contact)
return {1, ''}
`;

// Frees a contact's line, its agent reservation and its place in the waiting queue.
const RELEASE_BODY = `
local tag, contact = ARGV[1], ARGV[2]
local key = tag .. ':contact:' .. contact
local removed = redis.call('ZREM', KEYS[2], contact)
if redis.call('EXISTS', key) == 0 then return {removed} end
local fields = redis.call('HMGET', key, 'agent', 'skill', 'placed', 'paced', 'waited')
if fields[3] == '0' then redis.call('HINCRBY', KEYS[1], 'reserved', -1) end
local _, woken = free_agent(tag, fields[1], contact, fields[2])
if fields[2] then
  if fields[5] then redis.call('ZREM', tag .. ':waiting:' .. fields[2], contact) end
  if fields[4] then redis.call('ZREM', tag .. ':paced:' .. fields[2], contact) end
end
redis.call('DEL', key)
return {1, unpack(woken)}
`;

/**
 * The contact ended (or never got placed): free its line, its agent reservation and its place in
 * the waiting queue. Idempotent: returns {1, skills to wake (see FREE_AGENT)…} the first time, {0}
 * after. KEYS: lines, contacts. ARGV: tag, contact.
 */
export const RELEASE_CONTACT = `${FREE_AGENT}${RELEASE_BODY}`;

/**
 * A reservation that did not become a dial (its target was gone, held by a guard, taken by another
 * worker, refused by PostgreSQL): released like RELEASE_CONTACT, and a predictive reservation gives
 * its unit back to the budget it was taken from, if that budget still stands (the pacing leader has
 * not decided since: a new decision already counted it as a dial, and a refund then would grant one
 * dial more than decided). The pool's count of paced dials is never lowered, so no decision can
 * over-grant, and a dial placed ('1') gives nothing back. A dial its reserver places itself ('s')
 * is never marked placed: its reserver releases it undialed only if its dial was never stored.
 * KEYS: lines, contacts. ARGV: tag, contact.
 */
export const RELEASE_UNDIALED = `${FREE_AGENT}
do
  local key = ARGV[1] .. ':contact:' .. ARGV[2]
  local fields = redis.call('HMGET', key, 'placed', 'skill', 'pace')
  if fields[1] ~= '1' and fields[3] then
    local pace = ARGV[1] .. ':pace:' .. fields[2]
    if redis.call('HGET', pace, 'budgetUntil') == fields[3] then redis.call('HINCRBY', pace, 'budget', 1) end
  end
end
${RELEASE_BODY}`;

/**
 * Ends the agent reservation of a contact that keeps its line (e.g. a machine answered). ARGV: tag,
 * contact. Returns {1 when the agent was freed, skills to wake (see FREE_AGENT)…}.
 */
export const RELEASE_AGENT = `${FREE_AGENT}
local key = ARGV[1] .. ':contact:' .. ARGV[2]
local fields = redis.call('HMGET', key, 'agent', 'skill', 'paced')
local agent, skill = fields[1], fields[2]
if skill then
  redis.call('HSET', key, 'agent', '')
  -- Answered (by a machine): no longer a dial in flight for the pacer.
  if fields[3] then redis.call('ZREM', ARGV[1] .. ':paced:' .. skill, ARGV[2]) end
end
local freed, woken = free_agent(ARGV[1], agent, ARGV[2], skill)
return {freed, unpack(woken)}
`;

/**
 * An answered contact needs its agent: the one reserved for it if still so, else the longest-idle
 * available agent of the skill (if nobody waits longer). ARGV: tag, contact, skill. Returns the agent or false.
 */
export const CLAIM_AGENT = `${TAKE_AGENT}${REDIS_MS}${OLDEST_SERVABLE}
local tag, contact, skill = ARGV[1], ARGV[2], ARGV[3]
local key = tag .. ':contact:' .. contact
if redis.call('EXISTS', key) == 0 then return false end
-- Answered: no longer a dial in flight for the pacer.
redis.call('ZREM', tag .. ':paced:' .. skill, contact)
local agent = redis.call('HGET', key, 'agent')
-- The agent is now being connected to this call ('bridging'): it stays this call's even if it
-- asks to be unavailable meanwhile (its phone is already ringing), see AgentLiveView.
if agent and agent ~= '' and redis.call('HGET', tag .. ':agent:' .. agent, 'reservedFor') == contact then
  redis.call('HSET', tag .. ':agent:' .. agent, 'bridging', contact)
  return agent
end
-- Callers served in order: one who has waited longer goes first (unless their worker is gone).
local oldest = oldest_servable(tag, skill, redis_ms())
if oldest and oldest ~= contact then return false end
local taken = take_agent(tag, skill, contact)
if taken then
  redis.call('ZREM', tag .. ':waiting:' .. skill, contact)
  redis.call('HSET', tag .. ':agent:' .. taken, 'bridging', contact)
end
return taken or false
`;

/**
 * The contact waits for an agent; the worker holding it takes (or renews) its lease on waiting
 * callers of the tenant. ARGV: tag, contact, skill, answeredAt, owner (worker), lease (ms).
 */
export const ENTER_WAITING = `${REDIS_MS}
local key = ARGV[1] .. ':contact:' .. ARGV[2]
if redis.call('EXISTS', key) == 0 then return 0 end
redis.call('HSET', key, 'waited', '1')
redis.call('ZADD', ARGV[1] .. ':owners', redis_ms() + tonumber(ARGV[6]), ARGV[5])
redis.call('ZREM', ARGV[1] .. ':paced:' .. ARGV[3], ARGV[2])
redis.call('ZADD', ARGV[1] .. ':waiting:' .. ARGV[3], 'NX', ARGV[4], ARGV[2])
return 1
`;

/**
 * A worker renews its lease on the waiting callers it holds in a tenant; leases ended a minute ago
 * are dropped (the set stays as small as the workers alive). ARGV: tag, owner, lease (ms).
 */
export const RENEW_OWNER_LEASE = `${REDIS_MS}
local now = redis_ms()
redis.call('ZADD', ARGV[1] .. ':owners', now + tonumber(ARGV[3]), ARGV[2])
redis.call('ZREMRANGEBYSCORE', ARGV[1] .. ':owners', '-inf', now - 60000)
return 1
`;

/**
 * An agent may have become free: hand the longest-waiting contact of the skill an agent, but only
 * when the caller's own worker asks (it holds the call; every worker is woken). Callers whose
 * worker's lease has ended are passed over: a dead worker's caller does not hold up the skill.
 * ARGV: tag, skill, owner. Returns {contact, agent} or false.
 */
export const SERVE_WAITING = `${TAKE_AGENT}${REDIS_MS}${OLDEST_SERVABLE}
local tag, skill, owner = ARGV[1], ARGV[2], ARGV[3]
local contact, holder = oldest_servable(tag, skill, redis_ms())
if not contact then return false end
if holder ~= owner then
  -- Another worker holds the oldest caller: it is the one to serve them, if an agent is free.
  if redis.call('ZCARD', tag .. ':available:' .. skill) == 0 then return false end
  return {'', holder}
end
local agent = take_agent(tag, skill, contact)
if not agent then return false end
redis.call('ZREM', tag .. ':waiting:' .. skill, contact)
redis.call('HSET', tag .. ':agent:' .. agent, 'bridging', contact)
return {contact, agent}
`;

/**
 * PostgreSQL refused this agent (not available there, or another live contact's agent): the agent
 * leaves every available set of theirs and is noted as withdrawn, until the keeper finds them free
 * in PostgreSQL (RETURN_WITHDRAWN) or their next state change puts them back. ARGV: tag, agent.
 */
export const WITHDRAW_AGENT = `
local key = ARGV[1] .. ':agent:' .. ARGV[2]
for s in string.gmatch(redis.call('HGET', key, 'skills') or '', '[^,]+') do
  redis.call('ZREM', ARGV[1] .. ':available:' .. s, ARGV[2])
end
redis.call('SADD', ARGV[1] .. ':withdrawn', ARGV[2])
return 1
`;

/**
 * The keeper's word on withdrawn agents, from PostgreSQL: each one free there (available, nobody's
 * agent) goes back to the available sets if Redis too says available and reserves them for nobody.
 * An agent no longer available in Redis is left to their next state change. ARGV: tag, then
 * (agent, free 1|0) pairs. Returns how many went back.
 */
export const RETURN_WITHDRAWN = `
local tag = ARGV[1]
local returned = 0
for i = 2, #ARGV, 2 do
  local agent, free = ARGV[i], ARGV[i + 1]
  local key = tag .. ':agent:' .. agent
  local state = redis.call('HGET', key, 'state')
  if state ~= 'available' or redis.call('HGET', key, 'reservedFor') then
    redis.call('SREM', tag .. ':withdrawn', agent)
  elseif free == '1' then
    local since = redis.call('HGET', key, 'since') or '0'
    for s in string.gmatch(redis.call('HGET', key, 'skills') or '', '[^,]+') do
      redis.call('ZADD', tag .. ':available:' .. s, since, agent)
    end
    redis.call('SREM', tag .. ':withdrawn', agent)
    returned = returned + 1
  end
end
return returned
`;

/**
 * The worker holding a call says so: when it places a call another process reserved (its line
 * moves from reserved to in use: the dial has left AutoCall), and after a Redis loss. Only an existing
 * contact is touched: re-creating one that was just released would leave a phantom line in use.
 * Which worker places a call is PostgreSQL's to decide (contacts.placed_by); this is its cache.
 * KEYS: lines, contacts. ARGV: tag, contact, owner. Returns 1 when the contact exists.
 */
export const REASSERT = `
local key = ARGV[1] .. ':contact:' .. ARGV[2]
if redis.call('EXISTS', key) == 0 then return 0 end
redis.call('ZADD', KEYS[2], 'NX', redis.call('TIME')[1] * 1000, ARGV[2])
if redis.call('HGET', key, 'placed') == '0' then redis.call('HINCRBY', KEYS[1], 'reserved', -1) end
redis.call('HSET', key, 'owner', ARGV[3], 'placed', '1')
return 1
`;

/**
 * Rebuild after a Redis loss: a call in progress found in PostgreSQL takes its line again, and
 * what it held besides: the agent reserved for a dial not yet answered (if that agent is still
 * available and nobody else's: the agent's live view, rebuilt before or after, keeps it out of the
 * available sets while `reservedFor` says so), its place among the answered callers waiting for
 * an agent, or its place among the predictive dials in flight. Its owner is the worker PostgreSQL
 * says places it (contacts.placed_by), or unknown if none yet, so that no worker has to re-assert
 * its calls after a loss for its waiting callers to be served. A contact already in Redis is left
 * alone. While Redis knows the tenant's capacity (a repair, not a rebuild after a loss: then the
 * capacity comes back after the calls), a restore never takes a line past it: the view may count
 * fewer calls than PostgreSQL (which refuses the dials that would pass the bound, and the repair
 * comes again), never more lines than the tenant has. KEYS: contacts, lines. ARGV: tag, contact,
 * skill, status, agent or '', answeredAt (ms) or '', predictive (1|0), now, owner or ''.
 * Returns 1 when restored, 0 when already there, -1 when no line was free for it.
 */
export const RESTORE_CONTACT = `${REDIS_MS}
local tag, contact, skill, status, agent = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
-- Redis's clock: the keeper judges a restore's age (RESTORE_GRACE_MS) by the same clock.
local now = redis_ms()
local key = tag .. ':contact:' .. contact
if redis.call('EXISTS', key) == 1 then return 0 end
local capacity = redis.call('HGET', KEYS[2], 'capacity')
if capacity and redis.call('ZCARD', KEYS[1]) >= tonumber(capacity) then return -1 end
redis.call('ZADD', KEYS[1], 'NX', now, contact)
local reserved = ''
local marks = {}
if status == 'dialing' or status == 'ringing' then
  if agent ~= '' then
    local agent_key = tag .. ':agent:' .. agent
    local state = redis.call('HGET', agent_key, 'state')
    if not redis.call('HGET', agent_key, 'reservedFor') and (not state or state == 'available') then
      for s in string.gmatch(redis.call('HGET', agent_key, 'skills') or '', '[^,]+') do
        redis.call('ZREM', tag .. ':available:' .. s, agent)
      end
      redis.call('HSET', agent_key, 'reservedFor', contact)
      reserved = agent
    end
  end
  -- (The pacer's in-flight times are the dispatchers' clocks, as RESERVE_PACED_DIAL writes them.)
  if ARGV[7] == '1' then
    redis.call('ZADD', tag .. ':paced:' .. skill, 'NX', ARGV[8], contact)
    marks = {'paced', '1'}
  end
elseif status == 'waiting' and ARGV[6] ~= '' then
  redis.call('ZADD', tag .. ':waiting:' .. skill, 'NX', ARGV[6], contact)
  marks = {'waited', '1'}
end
redis.call('HSET', key, 'agent', reserved, 'skill', skill, 'owner', ARGV[9] ~= '' and ARGV[9] or 'unknown', 'placed', '1',
  'restoredAt', now, unpack(marks))
return 1
`;

/**
 * The pacing leader's lease on a pool: taken when free, renewed by its holder. ARGV: tag, skill,
 * leader, ttlMs. Returns 1 while the caller leads.
 */
export const LEAD_PACING = `
local key = ARGV[1] .. ':pacer:' .. ARGV[2]
local holder = redis.call('GET', key)
if holder and holder ~= ARGV[3] then return 0 end
redis.call('SET', key, ARGV[3], 'PX', ARGV[4])
return 1
`;

/**
 * The pacing leader lets go of a pool's lease, if it holds it (its pool joined a group another
 * worker leads). ARGV: tag, skill, leader. Returns 1 if it held it.
 */
export const RELEASE_PACING = `
local key = ARGV[1] .. ':pacer:' .. ARGV[2]
if redis.call('GET', key) ~= ARGV[3] then return 0 end
redis.call('DEL', key)
return 1
`;

/**
 * What the fast loop needs of a tenant's predictive pools, read at one instant: for each
 * logged-in agent holding one of the skills, its state, skills, since when and whether it is
 * available (in one of its skills' available sets: it is in all or none); for each skill, its
 * waiting count, paced-dial counter and the start of each paced dial in flight. ARGV: tag, skills…
 * Returns {{state, skills, since, available(1|0), …}, {waiting, dialed, {inflight starts…}}, …}.
 */
export const PACING_SNAPSHOT = `
local tag = ARGV[1]
local paced = {}
for i = 2, #ARGV do paced[ARGV[i]] = true end
local agents = {}
for _, id in ipairs(redis.call('SMEMBERS', tag .. ':agents')) do
  local a = redis.call('HMGET', tag .. ':agent:' .. id, 'state', 'skills', 'since')
  if a[1] and a[1] ~= 'logged_out' then
    local mine, available = false, '0'
    for s in string.gmatch(a[2] or '', '[^,]+') do
      if paced[s] then
        mine = true
        if available == '0' and redis.call('ZSCORE', tag .. ':available:' .. s, id) then available = '1' end
      end
    end
    if mine then
      agents[#agents + 1] = a[1]
      agents[#agents + 1] = a[2] or ''
      agents[#agents + 1] = a[3] or '0'
      agents[#agents + 1] = available
    end
  end
end
local result = {agents}
for i = 2, #ARGV do
  local skill = ARGV[i]
  local inflight = {}
  local dials = redis.call('ZRANGE', tag .. ':paced:' .. skill, 0, -1, 'WITHSCORES')
  for j = 2, #dials, 2 do inflight[#inflight + 1] = dials[j] end
  result[#result + 1] = {
    redis.call('ZCARD', tag .. ':waiting:' .. skill),
    redis.call('HGET', tag .. ':pace:' .. skill, 'dialed') or '0',
    inflight,
  }
end
return result
`;

/**
 * The leader sets the budgets of a group of pools sharing agents from one decision: each pool's
 * part, less the dials placed since the snapshot the decision was made from, counted over the
 * whole group (so the group's budgets never add to dials the decision did not see: first each
 * pool's own dials since come off its part, then any left over off the other parts, in order).
 * Each budget lasts validMs by Redis's clock. The caller must lead every pool of the group.
 * ARGV: tag, leader, validMs, then skill, dialedSeen, part for each pool.
 * Returns the budgets set, in order, or -1 if the caller does not lead every pool.
 */
export const SET_PACE = `
local tag, leader = ARGV[1], ARGV[2]
local skills, parts, since = {}, {}, {}
for i = 4, #ARGV, 3 do
  local skill = ARGV[i]
  if redis.call('GET', tag .. ':pacer:' .. skill) ~= leader then return -1 end
  skills[#skills + 1] = skill
  local dialed = tonumber(redis.call('HGET', tag .. ':pace:' .. skill, 'dialed') or '0')
  since[#since + 1] = math.max(0, dialed - tonumber(ARGV[i + 1]))
  parts[#parts + 1] = math.max(0, tonumber(ARGV[i + 2]))
end
local excess = 0
for k = 1, #parts do
  local cut = math.min(parts[k], since[k])
  parts[k] = parts[k] - cut
  excess = excess + since[k] - cut
end
for k = 1, #parts do
  local cut = math.min(parts[k], excess)
  parts[k] = parts[k] - cut
  excess = excess - cut
end
local time = redis.call('TIME')
local until_ms = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000) + tonumber(ARGV[3])
for k = 1, #skills do
  redis.call('HSET', tag .. ':pace:' .. skills[k], 'budget', parts[k], 'budgetUntil', until_ms)
end
return parts
`;
