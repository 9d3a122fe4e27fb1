/**
 * The attribution report: every conversion of a range, its credit split over the touchpoints that
 * led to it by one model, summed by channel, campaign and touchpoint. Pure: no I/O.
 */
import { attribute, summarize, type AttributionModel, type AttributionSummary, type Credit } from '../journey/attribution.ts';
import type { StageModel } from '../journey/stages.ts';
import { conversionName, conversionsOf, journeyTo, type Conversion } from './conversion.ts';
import type { DateRange, StagedOwner } from './owner.ts';

/** The stages whose entry marks W-shaped's lead and opportunity creation. */
export interface Milestones {
  lead?: string;
  opportunity?: string;
}

export interface AttributionReport extends AttributionSummary {
  model: AttributionModel;
  conversion: Conversion;
}

/**
 * Each conversion's credits (one `attribute` result per conversion, the owner's in journey order).
 * Every conversion counts, not only an owner's first: a second order earns its touchpoints credit
 * as the first did, which is what makes credit add up to the conversions a business counts.
 */
export function conversionCredits(
  owners: readonly StagedOwner[],
  model: AttributionModel,
  conversion: Conversion,
  range: DateRange,
  milestones: Milestones = {},
): Credit[][] {
  const name = conversionName(conversion);
  return owners.flatMap((owner) => {
    // The touchpoint that first reached the milestone stage; a trait (a CRM sync) names none, and
    // attribute treats a missing or later milestone as not reached.
    const createdBy = (stage: string | undefined) => {
      const entry = owner.history.stages.find((entry) => entry.stage === stage);
      return entry && 'touchpointId' in entry ? entry.touchpointId : undefined;
    };
    const leadCreatedBy = createdBy(milestones.lead);
    const opportunityCreatedBy = createdBy(milestones.opportunity);
    return conversionsOf(owner, conversion, range).map((converted) =>
      attribute(
        model,
        { at: converted.at, name, ...(leadCreatedBy && { leadCreatedBy }), ...(opportunityCreatedBy && { opportunityCreatedBy }) },
        journeyTo(owner, converted),
      ),
    );
  });
}

export function attributionReport(
  owners: readonly StagedOwner[],
  model: AttributionModel,
  conversion: Conversion,
  range: DateRange,
  milestones: Milestones = {},
): AttributionReport {
  return { model, conversion, ...summarize(conversionCredits(owners, model, conversion, range, milestones)) };
}

/**
 * W-shaped's milestones for a stage model. Its first milestone is the first touch, which in a
 * model like Awareness → Consideration is what enters the first stage; so the lead is created where
 * someone moves past it (signs up, asks for a demo), unless the model has a stage named "lead". Only
 * a pipeline has an "opportunity"; without one, attribute lets first touch and lead share its credit.
 */
export function defaultMilestones(model: StageModel): Milestones {
  const ids = model.stages.map((stage) => stage.id);
  const opportunity = ids.includes('opportunity') ? 'opportunity' : undefined;
  // Never the opportunity stage twice over: that would give its touchpoint both milestones.
  const lead = ids.includes('lead') ? 'lead' : ids[1] === opportunity ? undefined : ids[1];
  return { ...(lead && { lead }), ...(opportunity && { opportunity }) };
}
