# frozen_string_literal: true
# Writes three ObjectSpace.dump_all dumps of a service-shaped Ruby heap, with allocation tracing on:
# a registry of sessions that grows every phase (each session a Hash of a few strings, an Array of
# events and a small object) and an LRU cache that fills, then holds.
#   ruby bench/ruby-heap.rb DIR SESSIONS_PER_PHASE   writes DIR/service1.dump .. DIR/service3.dump
require 'objspace'
ObjectSpace.trace_object_allocations_start

class Session
  def initialize(id)
    @id = id
    @attributes = { 'user' => "user-#{id}", 'agent' => "agent-#{id % 97}", 'ip' => "10.0.#{id % 256}.#{id % 7}" }
    @events = Array.new(4) { |i| Event.new(i, "event-#{i}") }
  end
end

Event = Struct.new(:seq, :name)

module Registry
  SESSIONS = {}
end

class Lru
  def initialize(capacity)
    @capacity = capacity
    @entries = {}
  end

  def put(key, value)
    @entries.delete(key)
    @entries[key] = value
    @entries.delete(@entries.first[0]) if @entries.size > @capacity
  end
end
CACHE = Lru.new(20_000)

dir = ARGV.fetch(0)
per_phase = Integer(ARGV.fetch(1))
next_id = 0
(1..3).each do |phase|
  per_phase.times do
    next_id += 1
    Registry::SESSIONS[next_id] = Session.new(next_id)
    CACHE.put(next_id, "cached-#{next_id}")
  end
  GC.start(full_mark: true, immediate_sweep: true)
  File.open(File.join(dir, "service#{phase}.dump"), 'w') { |f| ObjectSpace.dump_all(output: f) }
end
