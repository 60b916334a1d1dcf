{#- Behaviour rules applied to matched events (int_condition_events rows named `events`, rules
    named `rules` with the model's decay_half_life_days, resets as in int_engagement_resets):
    one row per (rule, event) that counts as of `as_of_at` apart from the lookback window, with
    is_in_window (inside the window at as_of_at) and, given `reference_at`, was_in_window
    (inside it then): the window is what moves with as_of. points are the rule's points
    decayed to as_of_at. Shared by int_behavior_scored_events and int_behavior_rule_sums. -#}
{% macro behavior_event_points(events, rules, resets, as_of_at, reference_at=none) -%}
    select
        rules.model_id,
        rules.rule_id,
        events.contact_id,
        events.event_id,
        events.occurred_at,
        events.tags,
        (
            rules.lookback_days is null
            or {{ lead_scoring.age_days('events.occurred_at', as_of_at) }} < rules.lookback_days
        ) as is_in_window,
        {%- if reference_at %}
        (
            rules.lookback_days is null
            or {{ lead_scoring.age_days('events.occurred_at', reference_at) }} < rules.lookback_days
        ) as was_in_window,
        {%- endif %}
        rules.points * case
            when rules.decay_half_life_days is null then 1.0
            else power(0.5, {{ lead_scoring.age_days('events.occurred_at', as_of_at) }} / rules.decay_half_life_days)
        end as points
    from {{ events }} as events
    inner join {{ rules }} as rules
        on events.condition_id = rules.condition_id
    left join {{ resets }} as resets
        on
            rules.model_id = resets.model_id
            and events.contact_id = resets.contact_id
    where
        events.occurred_at <= {{ as_of_at }}
        and (resets.engagement_reset_at is null or events.occurred_at > resets.engagement_reset_at)
        and (rules.occurrence_from is null or events.occurrence_number >= rules.occurrence_from)
        and (rules.occurrence_to is null or events.occurrence_number <= rules.occurrence_to)
        and (
            rules.within_days_of_previous is null
            or (
                events.previous_occurred_at is not null
                and {{ lead_scoring.age_days('events.previous_occurred_at', 'events.occurred_at') }}
                <= rules.within_days_of_previous
            )
        )
{%- endmacro %}

{#- A sum decayed to `reference_at`, decayed on to `as_of_at` (half-life NULL: no decay). -#}
{% macro decayed_from(value, reference_at, as_of_at, half_life) -%}
    {{ value }} * case
        when {{ half_life }} is null then 1.0
        else power(0.5, {{ lead_scoring.age_days(reference_at, as_of_at) }} / {{ half_life }})
    end
{%- endmacro %}
