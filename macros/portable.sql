{#- Engine-specific SQL lives here, behind adapter.dispatch, so models stay portable.
    Each macro has a default__ (ANSI-ish), duckdb__ and spark__ variant. -#}

{#- Seconds since the Unix epoch, fractional. -#}
{% macro epoch_seconds(ts) -%}
    {{ return(adapter.dispatch('epoch_seconds', 'lead_scoring')(ts)) }}
{%- endmacro %}
{% macro default__epoch_seconds(ts) -%}
    {{ dbt.datediff("cast('1970-01-01 00:00:00' as " ~ dbt.type_timestamp() ~ ")", ts, 'second') }}
{%- endmacro %}
{% macro duckdb__epoch_seconds(ts) -%}
    epoch({{ ts }})
{%- endmacro %}
{% macro spark__epoch_seconds(ts) -%}
    (unix_micros({{ ts }}) / 1000000.0)
{%- endmacro %}

{#- Fractional days from one timestamp to a later one. -#}
{% macro age_days(from_ts, to_ts) -%}
    (({{ lead_scoring.epoch_seconds(to_ts) }} - {{ lead_scoring.epoch_seconds(from_ts) }}) / 86400.0)
{%- endmacro %}

{#- Regular-expression search (unanchored), the pattern given as a column or literal. -#}
{% macro regex_search(value, pattern) -%}
    {{ return(adapter.dispatch('regex_search', 'lead_scoring')(value, pattern)) }}
{%- endmacro %}
{% macro default__regex_search(value, pattern) -%}
    regexp_like({{ value }}, {{ pattern }})
{%- endmacro %}
{% macro duckdb__regex_search(value, pattern) -%}
    regexp_matches({{ value }}, {{ pattern }})
{%- endmacro %}
{% macro spark__regex_search(value, pattern) -%}
    ({{ value }} rlike {{ lead_scoring.spark_pattern(pattern) }})
{%- endmacro %}

{#- Spark SQL unescapes backslashes in string literals ('\s' would become 's'): a literal pattern
    gets its backslashes doubled; a column holds the pattern as written. -#}
{% macro spark_pattern(pattern) -%}
    {{ return(pattern | replace('\\', '\\\\') if (pattern | trim).startswith("'") else pattern) }}
{%- endmacro %}

{#- Replace every match of a regular expression. -#}
{% macro regex_replace_all(value, pattern, replacement) -%}
    {{ return(adapter.dispatch('regex_replace_all', 'lead_scoring')(value, pattern, replacement)) }}
{%- endmacro %}
{% macro default__regex_replace_all(value, pattern, replacement) -%}
    regexp_replace({{ value }}, {{ pattern }}, {{ replacement }})
{%- endmacro %}
{% macro duckdb__regex_replace_all(value, pattern, replacement) -%}
    regexp_replace({{ value }}, {{ pattern }}, {{ replacement }}, 'g')
{%- endmacro %}
{% macro spark__regex_replace_all(value, pattern, replacement) -%}
    regexp_replace({{ value }}, {{ lead_scoring.spark_pattern(pattern) }}, {{ replacement }})
{%- endmacro %}

{#- Text value of a top-level key of a JSON object held as text; the key may be a column. -#}
{% macro json_text(json_text_expr, key) -%}
    {{ return(adapter.dispatch('json_text', 'lead_scoring')(json_text_expr, key)) }}
{%- endmacro %}
{% macro default__json_text(json_text_expr, key) -%}
    json_value({{ json_text_expr }}, concat('$.', {{ key }}))
{%- endmacro %}
{% macro duckdb__json_text(json_text_expr, key) -%}
    json_extract_string(try_cast({{ json_text_expr }} as json), {{ key }})
{%- endmacro %}
{% macro spark__json_text(json_text_expr, key) -%}
    get_json_object({{ json_text_expr }}, concat('$.', {{ key }}))
{%- endmacro %}

{#- One row per element of a comma-separated list (used in a select list). -#}
{% macro explode_csv_list(list_expr) -%}
    {{ return(adapter.dispatch('explode_csv_list', 'lead_scoring')(list_expr)) }}
{%- endmacro %}
{% macro default__explode_csv_list(list_expr) -%}
    unnest(string_to_array({{ list_expr }}, ','))
{%- endmacro %}
{% macro duckdb__explode_csv_list(list_expr) -%}
    unnest(string_split({{ list_expr }}, ','))
{%- endmacro %}
{% macro spark__explode_csv_list(list_expr) -%}
    explode(split({{ list_expr }}, ','))
{%- endmacro %}

{#- A timestamp literal from an ISO string known at compile time. -#}
{% macro timestamp_literal(iso_text) -%}
    cast({{ lead_scoring.quoted(iso_text) }} as {{ dbt.type_timestamp() }})
{%- endmacro %}

{#- The text form of any value, for attribute matching and fingerprints. -#}
{% macro as_text(expr) -%}
    cast({{ expr }} as {{ dbt.type_string() }})
{%- endmacro %}

{#- Trimmed, lower-cased text; blank becomes NULL (contract: values compare trimmed and lower-cased). -#}
{% macro normalized_text(expr) -%}
    nullif(lower(trim({{ lead_scoring.as_text(expr) }})), '')
{%- endmacro %}

{#- Trimmed text, blank becomes NULL, case kept (names, titles). -#}
{% macro clean_text(expr) -%}
    nullif(trim({{ lead_scoring.as_text(expr) }}), '')
{%- endmacro %}

{#- CAST that yields NULL for unparseable input (dbt.safe_cast is a plain cast on DuckDB). -#}
{% macro try_cast(expr, type) -%}
    {{ return(adapter.dispatch('try_cast', 'lead_scoring')(expr, type)) }}
{%- endmacro %}
{% macro default__try_cast(expr, type) -%}
    {{ dbt.safe_cast(expr, type) }}
{%- endmacro %}
{% macro duckdb__try_cast(expr, type) -%}
    try_cast({{ expr }} as {{ type }})
{%- endmacro %}
{% macro spark__try_cast(expr, type) -%}
    try_cast({{ expr }} as {{ type }})
{%- endmacro %}

{#- A quoted SQL string literal, quotes inside escaped. -#}
{% macro quoted(text) -%}
    '{{ dbt.escape_single_quotes(text) }}'
{%- endmacro %}

{#- 8-byte floating point (lead_scoring.type_double() is a 4-byte REAL on DuckDB). -#}
{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double', 'lead_scoring')()) }}
{%- endmacro %}
{% macro default__type_double() -%}
    double precision
{%- endmacro %}
{% macro duckdb__type_double() -%}
    double
{%- endmacro %}
{% macro spark__type_double() -%}
    double
{%- endmacro %}

{#- Text of a number without a spurious '.0' (30.0 -> '30', 2.5 -> '2.5'), so text operators
    compare numbers the way they are written in rules. -#}
{% macro number_text(expr) -%}
    case
        when {{ expr }} = floor({{ expr }}) and abs({{ expr }}) < 1e15
            then {{ lead_scoring.as_text('cast(' ~ expr ~ ' as ' ~ dbt.type_bigint() ~ ')') }}
        else {{ lead_scoring.as_text(expr) }}
    end
{%- endmacro %}

{#- Median of a numeric expression (aggregate), interpolated between the two middle values. -#}
{% macro median(expr) -%}
    {{ return(adapter.dispatch('median', 'lead_scoring')(expr)) }}
{%- endmacro %}
{% macro default__median(expr) -%}
    percentile_cont(0.5) within group (order by {{ expr }})
{%- endmacro %}
{% macro duckdb__median(expr) -%}
    median({{ expr }})
{%- endmacro %}
{% macro spark__median(expr) -%}
    percentile({{ expr }}, 0.5)
{%- endmacro %}

{#- Every value of a text column joined in sorted order (aggregate), for fingerprints. -#}
{% macro sorted_text_agg(expr, separator) -%}
    {{ return(adapter.dispatch('sorted_text_agg', 'lead_scoring')(expr, separator)) }}
{%- endmacro %}
{% macro default__sorted_text_agg(expr, separator) -%}
    {{ dbt.listagg(expr, separator, 'order by ' ~ expr) }}
{%- endmacro %}
{% macro duckdb__sorted_text_agg(expr, separator) -%}
    string_agg({{ expr }}, {{ separator }} order by {{ expr }})
{%- endmacro %}
{% macro spark__sorted_text_agg(expr, separator) -%}
    array_join(array_sort(collect_list({{ expr }})), {{ separator }})
{%- endmacro %}

{#- Concatenation of text parts that are never NULL (the caller coalesces them). DuckDB's
    concat() builds the result in one pass; a chain of || copies it once per part. -#}
{% macro concat_text(parts) -%}
    {{ return(adapter.dispatch('concat_text', 'lead_scoring')(parts)) }}
{%- endmacro %}
{% macro default__concat_text(parts) -%}
    {{ dbt.concat(parts) }}
{%- endmacro %}
{% macro duckdb__concat_text(parts) -%}
    concat({{ parts | join(', ') }})
{%- endmacro %}
{% macro spark__concat_text(parts) -%}
    concat({{ parts | join(', ') }})
{%- endmacro %}

{#- ISO text as a UTC timestamp, NULL when it does not parse. A trailing offset (+02:00, -0500,
    Z) is applied; text without one is taken as UTC. -#}
{% macro utc_timestamp(expr) -%}
    {{ return(adapter.dispatch('utc_timestamp', 'lead_scoring')(expr)) }}
{%- endmacro %}
{% macro default__utc_timestamp(expr) -%}
    cast({{ expr }} as {{ dbt.type_timestamp() }})
{%- endmacro %}
{% macro duckdb__utc_timestamp(expr) -%}
    case
        when regexp_matches({{ expr }}, '[0-9]:[0-9]{2}(:[0-9]{2}([.][0-9]+)?)? ?([+-][0-9]{2}(:?[0-9]{2})?|[zZ])$')
            then cast(timezone('UTC', try_cast({{ expr }} as timestamptz)) as timestamp)
        else try_cast({{ expr }} as timestamp)
    end
{%- endmacro %}
{#- Spark parses offsets itself; the profile pins spark.sql.session.timeZone to UTC. -#}
{% macro spark__utc_timestamp(expr) -%}
    try_cast({{ expr }} as timestamp)
{%- endmacro %}
