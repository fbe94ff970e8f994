// Preloaded (`node --require`) into a server under test when BENCH_CONNECT_STAGES=1: for each
// TCP connection the server accepts, the monotonic time (µs, the clock of bench/marker.ts) at
// which it was accepted (the server's 'connection' event), its HTTP upgrade request was read
// ('upgrade' event) and the server first wrote to it (the 101 answer), keyed by the client's
// port. Written as JSON to BENCH_CONNECT_TRACE_FILE once a second while it changes. The same
// file serves every server (Fabrique, y-websocket, Hocuspocus): it only wraps Node's own
// net.Server events, so no server's code is touched. CommonJS so that `--require` loads it
// into ESM and CommonJS servers alike.
'use strict'
const fs = require('node:fs')
const net = require('node:net')

const file = process.env.BENCH_CONNECT_TRACE_FILE
if (file) {
  const nowUs = () => {
    const [s, ns] = process.hrtime()
    return s * 1e6 + Math.floor(ns / 1e3)
  }
  const sockets = []
  const traced = new WeakMap()
  let changed = false
  const emit = net.Server.prototype.emit
  net.Server.prototype.emit = function (event, ...args) {
    if (event === 'connection') {
      const socket = args[0]
      const row = { port: socket.remotePort, acceptedUs: nowUs(), upgradeUs: 0, answeredUs: 0 }
      sockets.push(row)
      traced.set(socket, row)
      changed = true
      // Only the first write is timed; the socket then writes through its own method again,
      // so the load that follows is not measured through a wrapper.
      const ownWrite = Object.prototype.hasOwnProperty.call(socket, 'write') ? socket.write : null
      socket.write = function (...writeArgs) {
        row.answeredUs = nowUs()
        changed = true
        if (ownWrite) socket.write = ownWrite
        else delete socket.write
        return socket.write(...writeArgs)
      }
    } else if (event === 'upgrade') {
      const row = traced.get(args[1])
      if (row) {
        row.upgradeUs = nowUs()
        changed = true
      }
    }
    return emit.call(this, event, ...args)
  }
  const dump = () => {
    if (!changed) return
    changed = false
    fs.writeFileSync(file, JSON.stringify(sockets))
  }
  setInterval(dump, 1000).unref()
  process.on('exit', dump)
}
