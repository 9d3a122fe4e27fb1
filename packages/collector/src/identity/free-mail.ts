import { freeEmailDomainList } from './free-email-domains.data.ts';

let domains: Set<string> | undefined;

/**
 * Free-mail and disposable domains (gmail.com, yahoo.co.jp, mailinator.com, …): an address there
 * says nothing about the company, so it never creates or matches an account. Parsed on first use.
 */
export function isFreeMailDomain(domain: string): boolean {
  domains ??= new Set(freeEmailDomainList.split(' '));
  return domains.has(domain);
}
