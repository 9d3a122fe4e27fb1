import { describe, expect, it } from 'vitest';
import { recorder, start } from '../test/recorder.ts';

function form(html: string): HTMLFormElement {
  document.body.innerHTML = html;
  const element = document.querySelector('form')!;
  element.addEventListener('submit', (event) => event.preventDefault());
  return element;
}

const type = (selector: string, value: string) => {
  const field = document.querySelector<HTMLInputElement>(selector)!;
  field.value = value;
  field.dispatchEvent(new Event('input', { bubbles: true }));
};

describe('sign-up forms', () => {
  it('reports a marked form on submit, with email, name and company as traits', async () => {
    const signup = form(`
      <form id="trial" name="trial" action="/thanks" data-journey-signup="Started Trial">
        <input type="email" name="work" value="Ada@Acme.com">
        <input name="full_name" value="  Ada Lovelace ">
        <input autocomplete="section-x organization" value="Acme">
        <input data-journey-trait="role" value="CTO">
        <input type="password" name="password" value="hunter2">
        <input type="hidden" name="csrf" value="secret-token">
        <input autocomplete="cc-number" data-journey-trait="card" value="4242424242424242">
        <input name="company_size" data-journey-trait="size" data-journey-ignore value="50">
        <div data-journey-ignore><input name="email" value="other@acme.com"></div>
      </form>`);
    const { transport, events } = recorder();
    const journey = start({ transport, forms: true });
    signup.requestSubmit();
    await journey.flush();
    const [event] = events();
    expect(event).toMatchObject({
      type: 'track',
      event: 'Started Trial',
      properties: { formId: 'trial', formName: 'trial', formAction: '/thanks' },
      context: { traits: { email: 'Ada@Acme.com', name: 'Ada Lovelace', company: 'Acme', role: 'CTO' } },
    });
    const sent = JSON.stringify(events());
    for (const secret of ['hunter2', 'secret-token', '4242424242424242', 'other@acme.com', '"50"']) expect(sent).not.toContain(secret);
  });

  it('names the event "Signed Up" by default and remembers the traits for later events', async () => {
    const signup = form(`<form data-journey-signup><input type="email" value="ada@acme.com"></form>`);
    const { transport, events } = recorder();
    const journey = start({ transport, forms: true });
    signup.requestSubmit();
    journey.identify('user-42');
    await journey.flush();
    expect(events()[0]!.event).toBe('Signed Up');
    expect(events()[1]!.traits).toEqual({ email: 'ada@acme.com' });
  });

  it('ignores forms that are not marked', async () => {
    const other = form(`<form><input type="email" value="ada@acme.com"></form>`);
    const { transport, events } = recorder();
    const journey = start({ transport, forms: true });
    other.requestSubmit();
    await journey.flush();
    expect(events()).toEqual([]);
  });

  it('reports a started, unsubmitted form as abandoned when the page goes away: the last field, never its value', async () => {
    form(`<form id="demo" data-journey-signup><input type="email" name="email"><input name="company"><input type="password" name="password"></form>`);
    const { transport, events } = recorder();
    const journey = start({ transport, forms: true });
    type('[name=email]', 'ada@acme.com');
    type('[name=company]', 'Acme Corporation');
    type('[name=password]', 'hunter2'); // a field never read does not count as the last one touched
    dispatchEvent(new Event('pagehide'));
    await journey.flush();
    expect(events()).toEqual([
      expect.objectContaining({ event: 'Form Abandoned', properties: { formId: 'demo', lastField: 'company' } }),
    ]);
    expect(JSON.stringify(events())).not.toContain('Acme Corporation');
  });

  it('does not call a submitted form abandoned', async () => {
    const signup = form(`<form data-journey-signup><input type="email" name="email"></form>`);
    const { transport, events } = recorder();
    const journey = start({ transport, forms: true });
    type('[name=email]', 'ada@acme.com');
    signup.requestSubmit();
    dispatchEvent(new Event('pagehide'));
    await journey.flush();
    expect(events().map((event) => event.event)).toEqual(['Signed Up']);
  });
});
