{{ config(materialized='view') }}

-- Distinct event conditions of the active behaviour rules of active models. A condition is
-- sequenced when one of its rules reads the order of its events (occurrence range or spacing):
-- only sequenced conditions number their events (int_condition_events).
select
    rules.condition_id,
    rules.event_type,
    rules.field,
    case when rules.field is null then null else rules.operator end as operator,
    rules.value_text,
    rules.value_list,
    rules.value_number,
    rules.value_low,
    rules.value_high,
    rules.value_pattern,
    max(
        case
            when
                rules.occurrence_from is not null
                or rules.occurrence_to is not null
                or rules.within_days_of_previous is not null
                then 1
            else 0
        end
    ) = 1 as is_sequenced
from {{ ref('int_active_behavior_rules') }} as rules
group by
    rules.condition_id,
    rules.event_type,
    rules.field,
    case when rules.field is null then null else rules.operator end,
    rules.value_text,
    rules.value_list,
    rules.value_number,
    rules.value_low,
    rules.value_high,
    rules.value_pattern
