/** Runs once before all tests. Browser tests prepare their own build and browser lazily. */
export default async function setup(): Promise<void> {}
