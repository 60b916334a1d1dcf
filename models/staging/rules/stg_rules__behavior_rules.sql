with rules as (
    select
        {{ lead_scoring.clean_text('model_id') }} as model_id,
        {{ lead_scoring.clean_text('rule_id') }} as rule_id,
        {{ lead_scoring.normalized_text('event_type') }} as event_type,
        {{ lead_scoring.normalized_text('field') }} as field,
        {{ lead_scoring.normalized_text('operator') }} as operator,
        {{ lead_scoring.rule_value_columns(lead_scoring.normalized_text('operator'), 'value') }},
        points,
        max_points,
        lookback_days,
        occurrence_from,
        occurrence_to,
        within_days_of_previous,
        {{ lead_scoring.clean_text('description') }} as description,
        coalesce(is_active, false) as is_active,
        {%- set group_id = lead_scoring.optional_column(
        lead_scoring.rule_seed('behavior_rules'), 'group_id', dbt.type_string()) %}
        {{ lead_scoring.clean_text(group_id) }} as group_id
    from {{ lead_scoring.rule_seed('behavior_rules') }}
)

select
    *,
    -- Rules sharing an event condition share its matched events (see int_condition_events).
    {{ lead_scoring.condition_id('event_type', 'field', 'operator', 'value_text', 'value_pattern') }} as condition_id
from rules
