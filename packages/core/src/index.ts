/**
 * @relactation/core: events, wire format v1 and pure projections. No IO.
 *
 * @since 0.1.0
 */
export * from "./Codec.js"
export * from "./Draft.js"
export * from "./EventFields.js"
export * from "./Event.js"
export * from "./PlanEvent.js"
export * from "./EventOrder.js"
export * from "./EventVersions.js"
export * from "./Id.js"
export * from "./InvalidEvent.js"
export * from "./Protocol.js"
export * from "./Units.js"
export * from "./Projection.js"
export * from "./DailyTotals.js"
export * from "./WeightTrend.js"
export * from "./WhoVelocity.js"
export * from "./RelactationProgress.js"
export * from "./AllProjections.js"
export * from "./Current.js"
export * from "./PlanProgress.js"
export * from "./ZonedTime.js"
