import fs from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import type WebSocket from 'ws'
import { afterEach, describe, expect, it } from 'vitest'
import { createLabAndBoard, makeDataDir, startServer, type TestServer } from '../support/testServer'
import { tryUpgrade, type RefusedUpgrade } from '../support/upgrades'

let servers: TestServer[] = []
const sockets: WebSocket[] = []
afterEach(async () => {
  for (const ws of sockets.splice(0)) ws.terminate()
  for (const s of servers.splice(0)) await s.stop()
})

/** A built client in miniature: index.html, the service worker, a hashed asset. */
function staticDir(): string {
  const dir = makeDataDir()
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>Fabrique</title>')
  fs.writeFileSync(path.join(dir, 'sw.js'), 'self.addEventListener("fetch", () => {})')
  fs.mkdirSync(path.join(dir, 'assets'))
  fs.writeFileSync(path.join(dir, 'assets', 'app-3f2a1b.js'), 'console.log(1)')
  return dir
}

async function server(env: Record<string, string> = {}): Promise<TestServer> {
  const s = await startServer({ STATIC_DIR: staticDir(), ...env })
  servers.push(s)
  return s
}

const expectedCsp = (host: string) =>
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' blob: data:; font-src 'self' data:; " +
  `connect-src 'self' blob: data: ws://${host} wss://${host}; media-src 'self' blob: data:; worker-src 'self' blob:; manifest-src 'self'; ` +
  "frame-src 'none'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"

function expectSecurityHeaders(headers: Headers, host: string): void {
  expect(headers.get('content-security-policy')).toBe(expectedCsp(host))
  expect(headers.get('x-content-type-options')).toBe('nosniff')
  expect(headers.get('referrer-policy')).toBe('no-referrer')
  expect(headers.get('x-frame-options')).toBe('DENY')
}

/** A GET with a Host header of our choosing (fetch does not let one set it). */
function getWithHost(port: number, pathname: string, host: string): Promise<http.IncomingHttpHeaders> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: pathname, headers: { host } }, (res) => {
      res.resume()
      res.on('end', () => resolve(res.headers))
    })
    req.on('error', reject)
    req.end()
  })
}

describe('security headers', () => {
  it('are on the home page, with no-cache; the CSP lets the page connect to its own WebSocket host', async () => {
    const s = await server()
    const res = await fetch(`${s.url}/`)
    expect(res.status).toBe(200)
    expect(await res.text()).toContain('Fabrique')
    expectSecurityHeaders(res.headers, `127.0.0.1:${s.port}`)
    expect(res.headers.get('cache-control')).toBe('no-cache')
    for (const p of ['/index.html', '/labs/abcdefgh12', '/b/abcdefgh12']) {
      const page = await fetch(s.url + p)
      expect(page.status).toBe(200)
      expect(page.headers.get('content-type')).toMatch(/^text\/html/)
      expect(page.headers.get('cache-control')).toBe('no-cache')
      expectSecurityHeaders(page.headers, `127.0.0.1:${s.port}`)
    }
  })

  it('serve /sw.js revalidated at every load and allowed to control the whole origin', async () => {
    const s = await server()
    const res = await fetch(`${s.url}/sw.js`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/javascript/)
    expect(res.headers.get('cache-control')).toBe('no-cache')
    expect(res.headers.get('service-worker-allowed')).toBe('/')
    expectSecurityHeaders(res.headers, `127.0.0.1:${s.port}`)
    // Only the service worker gets that scope; hashed files stay cached for a year.
    const asset = await fetch(`${s.url}/assets/app-3f2a1b.js`)
    expect(asset.headers.get('service-worker-allowed')).toBeNull()
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
    expectSecurityHeaders(asset.headers, `127.0.0.1:${s.port}`)
  })

  it('are on JSON answers of the API and on errors, which carry their code', async () => {
    const s = await server()
    const config = await fetch(`${s.url}/api/config`)
    expect(config.status).toBe(200)
    expectSecurityHeaders(config.headers, `127.0.0.1:${s.port}`)
    for (const [method, p, status, code] of [
      ['GET', '/api/nope', 404, 'endpoint.notFound'],
      ['GET', '/api/labs/nosuchlab0000', 404, 'lab.notFound'],
      ['DELETE', '/api/labs/nosuchlab0000', 405, 'method.notAllowed'],
      ['POST', '/index.html', 405, 'method.notAllowed'],
    ] as const) {
      const res = await fetch(s.url + p, { method })
      expect(res.status).toBe(status)
      expect(await res.json()).toEqual({ error: expect.any(String), code })
      expectSecurityHeaders(res.headers, `127.0.0.1:${s.port}`)
    }
    const missing = await fetch(`${s.url}/assets/nope-123.js`)
    expect(missing.status).toBe(404)
    expectSecurityHeaders(missing.headers, `127.0.0.1:${s.port}`)
  })

  it('are on refused WebSocket upgrades', async () => {
    const s = await server()
    const refused = (await tryUpgrade(`${s.wsUrl}/nosuchboard12?token=x`, sockets)) as RefusedUpgrade
    expect(refused.status).toBe(404)
    expect(refused.body).toEqual({ error: expect.any(String), code: 'board.notFound' })
    expect(refused.headers['x-content-type-options']).toBe('nosniff')
    expect(refused.headers['content-security-policy']).toBe(expectedCsp(`127.0.0.1:${s.port}`))
  })

  it('name PUBLIC_URL’s host when it is set, and leave out a malformed Host', async () => {
    const s = await server({ PUBLIC_URL: 'https://fabrique.example.org' })
    expectSecurityHeaders((await fetch(`${s.url}/`)).headers, 'fabrique.example.org')
    const plain = await server()
    const headers = await getWithHost(plain.port, '/', 'evil.example; script-src *')
    expect(headers['content-security-policy']).toContain("connect-src 'self' blob: data:; ")
    expect(headers['content-security-policy']).not.toContain('evil')
    expect(headers['x-frame-options']).toBe('DENY')
    expect((await getWithHost(plain.port, '/', 'atelier.local:3000'))['content-security-policy']).toContain('connect-src \'self\' blob: data: ws://atelier.local:3000 wss://atelier.local:3000;')
  })

  it('images keep their own, stricter policy (an SVG opened alone runs nothing)', async () => {
    const s = await server()
    const { lab, board } = await createLabAndBoard(s.url)
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"></svg>'
    const up = await fetch(`${s.url}/api/boards/${board.id}/assets`, { method: 'POST', headers: { 'content-type': 'image/svg+xml', authorization: `Bearer ${lab.tokens.participant}` }, body: svg })
    const { src } = (await up.json()) as { src: string }
    const res = await fetch(s.url + src, { headers: { authorization: `Bearer ${lab.tokens.viewer}` } })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-security-policy')).toMatch(/^default-src 'none'.*sandbox$/)
    expect(res.headers.get('x-frame-options')).toBe('DENY')
    expect(res.headers.get('referrer-policy')).toBe('no-referrer')
  })
})
