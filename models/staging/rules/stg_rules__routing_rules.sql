select
    {{ lead_scoring.clean_text('model_id') }} as model_id,
    priority,
    {{ dbt.concat([lead_scoring.clean_text('model_id'), "':'", lead_scoring.as_text('priority')]) }} as routing_rule_id,
    {{ lead_scoring.normalized_text('attribute') }} as attribute,
    {{ lead_scoring.normalized_text('operator') }} as operator,
    {{ lead_scoring.rule_value_columns(lead_scoring.normalized_text('operator'), 'value') }},
    {{ lead_scoring.clean_text('owner_id') }} as owner_id,
    coalesce(is_active, false) as is_active
from {{ lead_scoring.rule_seed('routing_rules') }}
