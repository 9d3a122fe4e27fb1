import type { Traits } from './identity.ts';

type Field = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;
export type FormEvent = (event: string, properties: Record<string, unknown>, traits?: Traits) => void;

const marker = 'data-journey-signup';
const attribute = (element: Element, name: string) => element.getAttribute(name) || undefined;
/** The autocomplete token that names what a field holds: "section-x shipping email" → "email". */
const autocomplete = (field: Element) => (attribute(field, 'autocomplete') ?? '').trim().split(/\s+/).pop()!.toLowerCase();

/** Never read: secrets, what the visitor does not see, card data, and whatever the site marks. */
const readable = (field: Element): field is Field =>
  'form' in field &&
  !/^(password|hidden|file)$/.test((field as Field).type) &&
  !/^cc-/.test(autocomplete(field)) &&
  !field.closest('[data-journey-ignore]');

// Field names and autocomplete tokens that say what a field holds.
const traitNames: Record<string, string> = {
  email: 'email',
  'e-mail': 'email',
  name: 'name',
  fullname: 'name',
  full_name: 'name',
  organization: 'company',
  organisation: 'company',
  company: 'company',
  company_name: 'company',
};

/** Which trait a field holds: its data-journey-trait, else email, name or company by type, autocomplete or name. */
const traitOf = (field: Field) =>
  attribute(field, 'data-journey-trait') ||
  (field.type == 'email' ? 'email' : traitNames[autocomplete(field)] || traitNames[attribute(field, 'name')?.toLowerCase() ?? '']);

// Attributes, not form.id / form.name: a field named "id" or "name" shadows those properties.
const describe = (form: HTMLFormElement) => ({ formId: attribute(form, 'id'), formName: attribute(form, 'name'), formAction: attribute(form, 'action') });

/**
 * Sign-up forms, marked `data-journey-signup` (its value names the event, "Signed Up" by
 * default): submitting one reports the event with email, name and company as traits, so the
 * collector can link the person. One started (a field changed) and left unsubmitted is the
 * friction point a journey map shows: the function returned, called when the page goes away,
 * reports it with the last field touched (its name, never its value).
 */
export function watchForms(emit: FormEvent): () => void {
  const started = new Map<HTMLFormElement, string>();
  addEventListener(
    'input',
    (event) => {
      const field = event.target as Element;
      if (readable(field) && field.form?.hasAttribute(marker)) started.set(field.form, attribute(field, 'name') || field.id || field.type);
    },
    true,
  );
  addEventListener(
    'submit',
    (event) => {
      const form = event.target as HTMLFormElement;
      if (!form.hasAttribute?.(marker)) return;
      started.delete(form);
      const traits: Traits = {};
      for (const field of form.elements) {
        const trait = readable(field) && traitOf(field);
        const value = trait && field.value.trim();
        if (value) traits[trait] = value;
      }
      emit(attribute(form, marker) || 'Signed Up', describe(form), traits);
    },
    true,
  );
  return () => {
    started.forEach((lastField, form) => emit('Form Abandoned', { ...describe(form), lastField }));
    started.clear();
  };
}
