/** @module The identity services core wires together: accounts, orgs, tokens, resolver. */
import type { PluginHost } from '../plugins/host.ts'
import type { Store } from '../store/connect.ts'
import { Accounts } from './accounts.ts'
import { Orgs } from './orgs.ts'
import { AuthResolver } from './resolve.ts'
import { Tokens } from './tokens.ts'
import type { InstanceKey } from './secret-key.ts'
import { TwoFactor } from './two-factor.ts'

/** Everything identity-related, built once per process. */
export interface Identity {
  accounts: Accounts
  orgs: Orgs
  tokens: Tokens
  twoFactor: TwoFactor
  resolver: AuthResolver
}

/**
 * Builds the identity services over a store and the plugin host (for the permission catalog).
 * `instanceKey` seals two-factor secrets (core/auth/secret-key.ts); without it, a key for this
 * process only (tools that never serve).
 */
export function createIdentity(store: Store, host: PluginHost, serviceTokens: string[] = [], instanceKey?: () => InstanceKey): Identity {
  const accounts = new Accounts(store)
  const orgs = new Orgs(accounts)
  const tokens = new Tokens(accounts)
  return { accounts, orgs, tokens, twoFactor: new TwoFactor(accounts, instanceKey), resolver: new AuthResolver(accounts, orgs, tokens, host, serviceTokens) }
}
