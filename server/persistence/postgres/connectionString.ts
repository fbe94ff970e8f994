import os from 'node:os'

/**
 * `connectionString` with the user libpq (psql) would take when it names none: `PGUSER`, else
 * the user running the process. node-postgres falls back to `USER` only, which services and CI
 * often lack ("no PostgreSQL user name specified"). Strings that are not URLs are left alone.
 */
export function withDefaultUser(connectionString: string): string {
  let url: URL
  try {
    url = new URL(connectionString)
  } catch {
    return connectionString
  }
  if (!/^postgres(ql)?:$/.test(url.protocol) || url.username) return connectionString
  const user = process.env.PGUSER || process.env.USER || os.userInfo().username
  if (!user) return connectionString
  url.username = encodeURIComponent(user)
  return url.toString()
}
