# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_licusage_global_optspecs
    string join \n config= format= json color= q/quiet v/verbose t/timeout= h/help V/version
end

function __fish_licusage_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_licusage_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_licusage_using_subcommand
    set -l cmd (__fish_licusage_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c licusage -n "__fish_licusage_needs_command" -l config -d 'Config file [default: the platform config dir, e.g. ~/.config/licusage/config.toml]' -r -F
complete -c licusage -n "__fish_licusage_needs_command" -l format -d 'Output format, before the subcommand; each subcommand that renders takes its own --format' -r -f -a "table\t''
json\t''
ndjson\t''
csv\t''
prometheus\t''
checkmk\t''
html\t''
markdown\t''
ics\t''"
complete -c licusage -n "__fish_licusage_needs_command" -l color -d 'When to colour the table (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c licusage -n "__fish_licusage_needs_command" -s t -l timeout -d 'Timeout per request, e.g. 30s, 2m [default: 30s]' -r
complete -c licusage -n "__fish_licusage_needs_command" -l json -d 'Same as --format json'
complete -c licusage -n "__fish_licusage_needs_command" -s q -l quiet -d 'No progress, no warnings'
complete -c licusage -n "__fish_licusage_needs_command" -s v -l verbose -d 'Log requests to stderr (secrets redacted)'
complete -c licusage -n "__fish_licusage_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c licusage -n "__fish_licusage_needs_command" -s V -l version -d 'Print version'
complete -c licusage -n "__fish_licusage_needs_command" -f -a "record" -d 'Take a snapshot of all sources and append it to the history store (for cron)'
complete -c licusage -n "__fish_licusage_needs_command" -f -a "completions" -d 'Print a completion script: bash, zsh, fish, powershell, elvish'
complete -c licusage -n "__fish_licusage_needs_command" -f -a "config" -d '`config path` prints the config file path; `config check` validates it'
complete -c licusage -n "__fish_licusage_needs_command" -f -a "serve" -d 'A long-running Prometheus exporter: /metrics, /healthz, /records'
complete -c licusage -n "__fish_licusage_needs_command" -f -a "notify" -d 'Send what changed (status, sources failing, deadlines) to the [notify] channels (for cron)'
complete -c licusage -n "__fish_licusage_needs_command" -f -a "show" -d 'Read every configured source (or those named by --source) and render the records'
complete -c licusage -n "__fish_licusage_needs_command" -f -a "check" -d 'Evaluate thresholds and expiry; monitoring-plugin output and exit codes'
complete -c licusage -n "__fish_licusage_needs_command" -f -a "history" -d 'Usage over time per series: sparkline, trend, forecast of exhaustion'
complete -c licusage -n "__fish_licusage_needs_command" -f -a "diff" -d 'Compare two saved JSON outputs (`show --format json`): what changed, per series'
complete -c licusage -n "__fish_licusage_needs_command" -f -a "sources" -d 'List the configured sources and the supported kinds'
complete -c licusage -n "__fish_licusage_needs_command" -f -a "report" -d 'A self-contained HTML (or Markdown) report with charts, prices and renewals'
complete -c licusage -n "__fish_licusage_needs_command" -f -a "plan" -d 'Renewal decisions: peak, p95, recommended limit, what it saves, and by when to say so'
complete -c licusage -n "__fish_licusage_needs_command" -f -a "4d" -d 'One-off read: 4D Server `License usage` collection (served by an exposed function, or exported)'
complete -c licusage -n "__fish_licusage_needs_command" -f -a "veeva" -d 'One-off read: Veeva Vault application licenses (GET /api/{version}/objects/licenses)'
complete -c licusage -n "__fish_licusage_needs_command" -f -a "onlyoffice" -d 'One-off read: ONLYOFFICE Docs license and user quota (command service, {"c":"license"})'
complete -c licusage -n "__fish_licusage_needs_command" -f -a "leegality" -d 'One-off read: Leegality license usage statistics (GET /api/v1/licenses/{id}/usage-statistics)'
complete -c licusage -n "__fish_licusage_needs_command" -f -a "cpod" -d 'One-off read: cPod software licenses and seat assignments (GET /api/v1/licenses)'
complete -c licusage -n "__fish_licusage_needs_command" -f -a "flexlm" -d 'One-off read: FlexNet Publisher (FlexLM) license servers: `lmutil lmstat -a` output, from a file or a command'
complete -c licusage -n "__fish_licusage_needs_command" -f -a "rlm" -d 'One-off read: Reprise License Manager (RLM) servers: `rlmutil rlmstat -a` output, from a file or a command'
complete -c licusage -n "__fish_licusage_needs_command" -f -a "generic" -d 'One-off read: Any JSON API or file, mapped to records by a jq filter'
complete -c licusage -n "__fish_licusage_needs_command" -f -a "holders" -d 'List who holds the seats (kinds 4d, onlyoffice, cpod, flexlm, rlm, generic)'
complete -c licusage -n "__fish_licusage_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c licusage -n "__fish_licusage_using_subcommand record" -s s -l source -d 'A source name from the config, or a kind for every source of that kind (repeatable)' -r -f -a "(licusage sources --names 2>/dev/null)"
complete -c licusage -n "__fish_licusage_using_subcommand record" -l product -d 'Only records whose product matches this glob (repeatable)' -r
complete -c licusage -n "__fish_licusage_using_subcommand record" -l metric -d 'Only records whose metric matches this glob (repeatable)' -r
complete -c licusage -n "__fish_licusage_using_subcommand record" -l config -d 'Config file [default: the platform config dir, e.g. ~/.config/licusage/config.toml]' -r -F
complete -c licusage -n "__fish_licusage_using_subcommand record" -l color -d 'When to colour the table (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c licusage -n "__fish_licusage_using_subcommand record" -s t -l timeout -d 'Timeout per request, e.g. 30s, 2m [default: 30s]' -r
complete -c licusage -n "__fish_licusage_using_subcommand record" -s q -l quiet -d 'No progress, no warnings'
complete -c licusage -n "__fish_licusage_using_subcommand record" -s v -l verbose -d 'Log requests to stderr (secrets redacted)'
complete -c licusage -n "__fish_licusage_using_subcommand record" -s h -l help -d 'Print help'
complete -c licusage -n "__fish_licusage_using_subcommand record" -s V -l version -d 'Print version'
complete -c licusage -n "__fish_licusage_using_subcommand completions" -l config -d 'Config file [default: the platform config dir, e.g. ~/.config/licusage/config.toml]' -r -F
complete -c licusage -n "__fish_licusage_using_subcommand completions" -l color -d 'When to colour the table (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c licusage -n "__fish_licusage_using_subcommand completions" -s t -l timeout -d 'Timeout per request, e.g. 30s, 2m [default: 30s]' -r
complete -c licusage -n "__fish_licusage_using_subcommand completions" -s q -l quiet -d 'No progress, no warnings'
complete -c licusage -n "__fish_licusage_using_subcommand completions" -s v -l verbose -d 'Log requests to stderr (secrets redacted)'
complete -c licusage -n "__fish_licusage_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c licusage -n "__fish_licusage_using_subcommand completions" -s V -l version -d 'Print version'
complete -c licusage -n "__fish_licusage_using_subcommand config; and not __fish_seen_subcommand_from path init check help" -l config -d 'Config file [default: the platform config dir, e.g. ~/.config/licusage/config.toml]' -r -F
complete -c licusage -n "__fish_licusage_using_subcommand config; and not __fish_seen_subcommand_from path init check help" -l color -d 'When to colour the table (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c licusage -n "__fish_licusage_using_subcommand config; and not __fish_seen_subcommand_from path init check help" -s t -l timeout -d 'Timeout per request, e.g. 30s, 2m [default: 30s]' -r
complete -c licusage -n "__fish_licusage_using_subcommand config; and not __fish_seen_subcommand_from path init check help" -s q -l quiet -d 'No progress, no warnings'
complete -c licusage -n "__fish_licusage_using_subcommand config; and not __fish_seen_subcommand_from path init check help" -s v -l verbose -d 'Log requests to stderr (secrets redacted)'
complete -c licusage -n "__fish_licusage_using_subcommand config; and not __fish_seen_subcommand_from path init check help" -s h -l help -d 'Print help'
complete -c licusage -n "__fish_licusage_using_subcommand config; and not __fish_seen_subcommand_from path init check help" -s V -l version -d 'Print version'
complete -c licusage -n "__fish_licusage_using_subcommand config; and not __fish_seen_subcommand_from path init check help" -f -a "path" -d 'Print the config file path'
complete -c licusage -n "__fish_licusage_using_subcommand config; and not __fish_seen_subcommand_from path init check help" -f -a "init" -d 'Write a commented starter config (every kind, keys commented out) at the config path, mode 0600'
complete -c licusage -n "__fish_licusage_using_subcommand config; and not __fish_seen_subcommand_from path init check help" -f -a "check" -d 'Validate the config file: exit 0 when valid, 2 with the reason when not'
complete -c licusage -n "__fish_licusage_using_subcommand config; and not __fish_seen_subcommand_from path init check help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c licusage -n "__fish_licusage_using_subcommand config; and __fish_seen_subcommand_from path" -l config -d 'Config file [default: the platform config dir, e.g. ~/.config/licusage/config.toml]' -r -F
complete -c licusage -n "__fish_licusage_using_subcommand config; and __fish_seen_subcommand_from path" -l color -d 'When to colour the table (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c licusage -n "__fish_licusage_using_subcommand config; and __fish_seen_subcommand_from path" -s t -l timeout -d 'Timeout per request, e.g. 30s, 2m [default: 30s]' -r
complete -c licusage -n "__fish_licusage_using_subcommand config; and __fish_seen_subcommand_from path" -s q -l quiet -d 'No progress, no warnings'
complete -c licusage -n "__fish_licusage_using_subcommand config; and __fish_seen_subcommand_from path" -s v -l verbose -d 'Log requests to stderr (secrets redacted)'
complete -c licusage -n "__fish_licusage_using_subcommand config; and __fish_seen_subcommand_from path" -s h -l help -d 'Print help'
complete -c licusage -n "__fish_licusage_using_subcommand config; and __fish_seen_subcommand_from path" -s V -l version -d 'Print version'
complete -c licusage -n "__fish_licusage_using_subcommand config; and __fish_seen_subcommand_from init" -l path -d 'Write here instead of the config path (--config, LICUSAGE_CONFIG, else the platform config dir)' -r -F
complete -c licusage -n "__fish_licusage_using_subcommand config; and __fish_seen_subcommand_from init" -l config -d 'Config file [default: the platform config dir, e.g. ~/.config/licusage/config.toml]' -r -F
complete -c licusage -n "__fish_licusage_using_subcommand config; and __fish_seen_subcommand_from init" -l color -d 'When to colour the table (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c licusage -n "__fish_licusage_using_subcommand config; and __fish_seen_subcommand_from init" -s t -l timeout -d 'Timeout per request, e.g. 30s, 2m [default: 30s]' -r
complete -c licusage -n "__fish_licusage_using_subcommand config; and __fish_seen_subcommand_from init" -l force -d 'Replace a file that is there'
complete -c licusage -n "__fish_licusage_using_subcommand config; and __fish_seen_subcommand_from init" -s q -l quiet -d 'No progress, no warnings'
complete -c licusage -n "__fish_licusage_using_subcommand config; and __fish_seen_subcommand_from init" -s v -l verbose -d 'Log requests to stderr (secrets redacted)'
complete -c licusage -n "__fish_licusage_using_subcommand config; and __fish_seen_subcommand_from init" -s h -l help -d 'Print help'
complete -c licusage -n "__fish_licusage_using_subcommand config; and __fish_seen_subcommand_from init" -s V -l version -d 'Print version'
complete -c licusage -n "__fish_licusage_using_subcommand config; and __fish_seen_subcommand_from check" -l config -d 'Config file [default: the platform config dir, e.g. ~/.config/licusage/config.toml]' -r -F
complete -c licusage -n "__fish_licusage_using_subcommand config; and __fish_seen_subcommand_from check" -l color -d 'When to colour the table (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c licusage -n "__fish_licusage_using_subcommand config; and __fish_seen_subcommand_from check" -s t -l timeout -d 'Timeout per request, e.g. 30s, 2m [default: 30s]' -r
complete -c licusage -n "__fish_licusage_using_subcommand config; and __fish_seen_subcommand_from check" -s q -l quiet -d 'No progress, no warnings'
complete -c licusage -n "__fish_licusage_using_subcommand config; and __fish_seen_subcommand_from check" -s v -l verbose -d 'Log requests to stderr (secrets redacted)'
complete -c licusage -n "__fish_licusage_using_subcommand config; and __fish_seen_subcommand_from check" -s h -l help -d 'Print help'
complete -c licusage -n "__fish_licusage_using_subcommand config; and __fish_seen_subcommand_from check" -s V -l version -d 'Print version'
complete -c licusage -n "__fish_licusage_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "path" -d 'Print the config file path'
complete -c licusage -n "__fish_licusage_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "init" -d 'Write a commented starter config (every kind, keys commented out) at the config path, mode 0600'
complete -c licusage -n "__fish_licusage_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "check" -d 'Validate the config file: exit 0 when valid, 2 with the reason when not'
complete -c licusage -n "__fish_licusage_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c licusage -n "__fish_licusage_using_subcommand serve" -s s -l source -d 'A source name from the config, or a kind for every source of that kind (repeatable)' -r -f -a "(licusage sources --names 2>/dev/null)"
complete -c licusage -n "__fish_licusage_using_subcommand serve" -l product -d 'Only records whose product matches this glob (repeatable)' -r
complete -c licusage -n "__fish_licusage_using_subcommand serve" -l metric -d 'Only records whose metric matches this glob (repeatable)' -r
complete -c licusage -n "__fish_licusage_using_subcommand serve" -l listen -d 'Address to listen on, host:port [default: [serve] listen, else 127.0.0.1:9873]' -r
complete -c licusage -n "__fish_licusage_using_subcommand serve" -l refresh -d 'How often each source is read, e.g. 5m, 30s [default: [serve] refresh, else 5m]' -r
complete -c licusage -n "__fish_licusage_using_subcommand serve" -l config -d 'Config file [default: the platform config dir, e.g. ~/.config/licusage/config.toml]' -r -F
complete -c licusage -n "__fish_licusage_using_subcommand serve" -l color -d 'When to colour the table (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c licusage -n "__fish_licusage_using_subcommand serve" -s t -l timeout -d 'Timeout per request, e.g. 30s, 2m [default: 30s]' -r
complete -c licusage -n "__fish_licusage_using_subcommand serve" -s q -l quiet -d 'No progress, no warnings'
complete -c licusage -n "__fish_licusage_using_subcommand serve" -s v -l verbose -d 'Log requests to stderr (secrets redacted)'
complete -c licusage -n "__fish_licusage_using_subcommand serve" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c licusage -n "__fish_licusage_using_subcommand serve" -s V -l version -d 'Print version'
complete -c licusage -n "__fish_licusage_using_subcommand notify" -s s -l source -d 'A source name from the config, or a kind for every source of that kind (repeatable)' -r -f -a "(licusage sources --names 2>/dev/null)"
complete -c licusage -n "__fish_licusage_using_subcommand notify" -l product -d 'Only records whose product matches this glob (repeatable)' -r
complete -c licusage -n "__fish_licusage_using_subcommand notify" -l metric -d 'Only records whose metric matches this glob (repeatable)' -r
complete -c licusage -n "__fish_licusage_using_subcommand notify" -l idle -d 'With --digest: seats unused this many days or more are to reclaim' -r
complete -c licusage -n "__fish_licusage_using_subcommand notify" -l config -d 'Config file [default: the platform config dir, e.g. ~/.config/licusage/config.toml]' -r -F
complete -c licusage -n "__fish_licusage_using_subcommand notify" -l color -d 'When to colour the table (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c licusage -n "__fish_licusage_using_subcommand notify" -s t -l timeout -d 'Timeout per request, e.g. 30s, 2m [default: 30s]' -r
complete -c licusage -n "__fish_licusage_using_subcommand notify" -l dry-run -d 'Print what would be sent; send nothing and remember nothing'
complete -c licusage -n "__fish_licusage_using_subcommand notify" -l digest -d 'Send the reclaim digest instead: seats idle --idle days or more and what they cost, per source (weekly from cron)'
complete -c licusage -n "__fish_licusage_using_subcommand notify" -s q -l quiet -d 'No progress, no warnings'
complete -c licusage -n "__fish_licusage_using_subcommand notify" -s v -l verbose -d 'Log requests to stderr (secrets redacted)'
complete -c licusage -n "__fish_licusage_using_subcommand notify" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c licusage -n "__fish_licusage_using_subcommand notify" -s V -l version -d 'Print version'
complete -c licusage -n "__fish_licusage_using_subcommand show" -s s -l source -d 'A source name from the config, or a kind for every source of that kind (repeatable)' -r -f -a "(licusage sources --names 2>/dev/null)"
complete -c licusage -n "__fish_licusage_using_subcommand show" -l product -d 'Only records whose product matches this glob (repeatable)' -r
complete -c licusage -n "__fish_licusage_using_subcommand show" -l metric -d 'Only records whose metric matches this glob (repeatable)' -r
complete -c licusage -n "__fish_licusage_using_subcommand show" -l format -d 'Output format [default: table]' -r -f -a "table\t''
json\t''
ndjson\t''
csv\t''
prometheus\t''"
complete -c licusage -n "__fish_licusage_using_subcommand show" -l config -d 'Config file [default: the platform config dir, e.g. ~/.config/licusage/config.toml]' -r -F
complete -c licusage -n "__fish_licusage_using_subcommand show" -l color -d 'When to colour the table (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c licusage -n "__fish_licusage_using_subcommand show" -s t -l timeout -d 'Timeout per request, e.g. 30s, 2m [default: 30s]' -r
complete -c licusage -n "__fish_licusage_using_subcommand show" -l json -d 'Same as --format json'
complete -c licusage -n "__fish_licusage_using_subcommand show" -s q -l quiet -d 'No progress, no warnings'
complete -c licusage -n "__fish_licusage_using_subcommand show" -s v -l verbose -d 'Log requests to stderr (secrets redacted)'
complete -c licusage -n "__fish_licusage_using_subcommand show" -s h -l help -d 'Print help'
complete -c licusage -n "__fish_licusage_using_subcommand show" -s V -l version -d 'Print version'
complete -c licusage -n "__fish_licusage_using_subcommand check" -s s -l source -d 'A source name from the config, or a kind for every source of that kind (repeatable)' -r -f -a "(licusage sources --names 2>/dev/null)"
complete -c licusage -n "__fish_licusage_using_subcommand check" -l product -d 'Only records whose product matches this glob (repeatable)' -r
complete -c licusage -n "__fish_licusage_using_subcommand check" -l metric -d 'Only records whose metric matches this glob (repeatable)' -r
complete -c licusage -n "__fish_licusage_using_subcommand check" -l warn -d 'Warning at this utilization, in percent [default: 80, or the config\'s]' -r
complete -c licusage -n "__fish_licusage_using_subcommand check" -l crit -d 'Critical at this utilization, in percent [default: 95, or the config\'s]' -r
complete -c licusage -n "__fish_licusage_using_subcommand check" -s w -l warning -d 'Warning when utilization (in percent) is outside this Nagios range: 80, 10:, ~:80, 10:80, @10:80' -r
complete -c licusage -n "__fish_licusage_using_subcommand check" -s c -l critical -d 'Critical when utilization (in percent) is outside this Nagios range' -r
complete -c licusage -n "__fish_licusage_using_subcommand check" -l warn-free -d 'Warning when this many seats or fewer are left' -r
complete -c licusage -n "__fish_licusage_using_subcommand check" -l crit-free -d 'Critical when this many seats or fewer are left' -r
complete -c licusage -n "__fish_licusage_using_subcommand check" -l expiry-warn -d 'Warning when the license expires within this many days [default: 30]' -r
complete -c licusage -n "__fish_licusage_using_subcommand check" -l expiry-crit -d 'Critical when the license expires within this many days [default: 7]' -r
complete -c licusage -n "__fish_licusage_using_subcommand check" -l denials-warn -d 'Warning when a series had this many denials or more since the last check (sources with `log`)' -r
complete -c licusage -n "__fish_licusage_using_subcommand check" -l denials-crit -d 'Critical when a series had this many denials or more since the last check (sources with `log`)' -r
complete -c licusage -n "__fish_licusage_using_subcommand check" -l format -d 'checkmk: Checkmk\'s local-check lines instead of the monitoring-plugin output' -r -f -a "checkmk\t''"
complete -c licusage -n "__fish_licusage_using_subcommand check" -l config -d 'Config file [default: the platform config dir, e.g. ~/.config/licusage/config.toml]' -r -F
complete -c licusage -n "__fish_licusage_using_subcommand check" -l color -d 'When to colour the table (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c licusage -n "__fish_licusage_using_subcommand check" -s t -l timeout -d 'Timeout per request, e.g. 30s, 2m [default: 30s]' -r
complete -c licusage -n "__fish_licusage_using_subcommand check" -l skip-unknown -d 'Leave out perfdata series whose use is unknown instead of writing U (some graphers reject U)'
complete -c licusage -n "__fish_licusage_using_subcommand check" -s q -l quiet -d 'No progress, no warnings'
complete -c licusage -n "__fish_licusage_using_subcommand check" -s v -l verbose -d 'Log requests to stderr (secrets redacted)'
complete -c licusage -n "__fish_licusage_using_subcommand check" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c licusage -n "__fish_licusage_using_subcommand check" -s V -l version -d 'Print version'
complete -c licusage -n "__fish_licusage_using_subcommand history; and not __fish_seen_subcommand_from migrate help" -s s -l source -d 'A source name or a kind, or a glob of them (repeatable)' -r -f -a "(licusage sources --names 2>/dev/null)"
complete -c licusage -n "__fish_licusage_using_subcommand history; and not __fish_seen_subcommand_from migrate help" -l product -d 'Only records whose product matches this glob (repeatable)' -r
complete -c licusage -n "__fish_licusage_using_subcommand history; and not __fish_seen_subcommand_from migrate help" -l metric -d 'Only records whose metric matches this glob (repeatable)' -r
complete -c licusage -n "__fish_licusage_using_subcommand history; and not __fish_seen_subcommand_from migrate help" -l since -d 'How far back, e.g. 30d, 12h, 52w' -r
complete -c licusage -n "__fish_licusage_using_subcommand history; and not __fish_seen_subcommand_from migrate help" -l format -d 'Output format [default: table]' -r -f -a "table\t''
json\t''
ndjson\t''
csv\t''"
complete -c licusage -n "__fish_licusage_using_subcommand history; and not __fish_seen_subcommand_from migrate help" -l config -d 'Config file [default: the platform config dir, e.g. ~/.config/licusage/config.toml]' -r -F
complete -c licusage -n "__fish_licusage_using_subcommand history; and not __fish_seen_subcommand_from migrate help" -l color -d 'When to colour the table (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c licusage -n "__fish_licusage_using_subcommand history; and not __fish_seen_subcommand_from migrate help" -s t -l timeout -d 'Timeout per request, e.g. 30s, 2m [default: 30s]' -r
complete -c licusage -n "__fish_licusage_using_subcommand history; and not __fish_seen_subcommand_from migrate help" -l json -d 'Same as --format json'
complete -c licusage -n "__fish_licusage_using_subcommand history; and not __fish_seen_subcommand_from migrate help" -s q -l quiet -d 'No progress, no warnings'
complete -c licusage -n "__fish_licusage_using_subcommand history; and not __fish_seen_subcommand_from migrate help" -s v -l verbose -d 'Log requests to stderr (secrets redacted)'
complete -c licusage -n "__fish_licusage_using_subcommand history; and not __fish_seen_subcommand_from migrate help" -s h -l help -d 'Print help'
complete -c licusage -n "__fish_licusage_using_subcommand history; and not __fish_seen_subcommand_from migrate help" -s V -l version -d 'Print version'
complete -c licusage -n "__fish_licusage_using_subcommand history; and not __fish_seen_subcommand_from migrate help" -f -a "migrate" -d 'Copy the local SQLite history into a PostgreSQL one, verified by counts (run again: copies only what is new)'
complete -c licusage -n "__fish_licusage_using_subcommand history; and not __fish_seen_subcommand_from migrate help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c licusage -n "__fish_licusage_using_subcommand history; and __fish_seen_subcommand_from migrate" -l to -d 'The PostgreSQL history: postgres://USER@HOST[:PORT]/DB (no password in it)' -r
complete -c licusage -n "__fish_licusage_using_subcommand history; and __fish_seen_subcommand_from migrate" -l from -d 'The SQLite file to copy (default: the config\'s [history] path, else the default file)' -r -F
complete -c licusage -n "__fish_licusage_using_subcommand history; and __fish_seen_subcommand_from migrate" -l password-env -d 'The server\'s password from this environment variable (default: the config\'s [history] one)' -r
complete -c licusage -n "__fish_licusage_using_subcommand history; and __fish_seen_subcommand_from migrate" -l password-command -d 'The server\'s password from this command\'s output' -r
complete -c licusage -n "__fish_licusage_using_subcommand history; and __fish_seen_subcommand_from migrate" -l config -d 'Config file [default: the platform config dir, e.g. ~/.config/licusage/config.toml]' -r -F
complete -c licusage -n "__fish_licusage_using_subcommand history; and __fish_seen_subcommand_from migrate" -l color -d 'When to colour the table (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c licusage -n "__fish_licusage_using_subcommand history; and __fish_seen_subcommand_from migrate" -s t -l timeout -d 'Timeout per request, e.g. 30s, 2m [default: 30s]' -r
complete -c licusage -n "__fish_licusage_using_subcommand history; and __fish_seen_subcommand_from migrate" -s q -l quiet -d 'No progress, no warnings'
complete -c licusage -n "__fish_licusage_using_subcommand history; and __fish_seen_subcommand_from migrate" -s v -l verbose -d 'Log requests to stderr (secrets redacted)'
complete -c licusage -n "__fish_licusage_using_subcommand history; and __fish_seen_subcommand_from migrate" -s h -l help -d 'Print help'
complete -c licusage -n "__fish_licusage_using_subcommand history; and __fish_seen_subcommand_from migrate" -s V -l version -d 'Print version'
complete -c licusage -n "__fish_licusage_using_subcommand history; and __fish_seen_subcommand_from help" -f -a "migrate" -d 'Copy the local SQLite history into a PostgreSQL one, verified by counts (run again: copies only what is new)'
complete -c licusage -n "__fish_licusage_using_subcommand history; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c licusage -n "__fish_licusage_using_subcommand diff" -l format -d 'Output format [default: table]' -r -f -a "table\t''
json\t''"
complete -c licusage -n "__fish_licusage_using_subcommand diff" -l config -d 'Config file [default: the platform config dir, e.g. ~/.config/licusage/config.toml]' -r -F
complete -c licusage -n "__fish_licusage_using_subcommand diff" -l color -d 'When to colour the table (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c licusage -n "__fish_licusage_using_subcommand diff" -s t -l timeout -d 'Timeout per request, e.g. 30s, 2m [default: 30s]' -r
complete -c licusage -n "__fish_licusage_using_subcommand diff" -l json -d 'Same as --format json'
complete -c licusage -n "__fish_licusage_using_subcommand diff" -s q -l quiet -d 'No progress, no warnings'
complete -c licusage -n "__fish_licusage_using_subcommand diff" -s v -l verbose -d 'Log requests to stderr (secrets redacted)'
complete -c licusage -n "__fish_licusage_using_subcommand diff" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c licusage -n "__fish_licusage_using_subcommand diff" -s V -l version -d 'Print version'
complete -c licusage -n "__fish_licusage_using_subcommand sources" -l format -d 'Output format [default: table]' -r -f -a "table\t''
json\t''
csv\t''"
complete -c licusage -n "__fish_licusage_using_subcommand sources" -l config -d 'Config file [default: the platform config dir, e.g. ~/.config/licusage/config.toml]' -r -F
complete -c licusage -n "__fish_licusage_using_subcommand sources" -l color -d 'When to colour the table (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c licusage -n "__fish_licusage_using_subcommand sources" -s t -l timeout -d 'Timeout per request, e.g. 30s, 2m [default: 30s]' -r
complete -c licusage -n "__fish_licusage_using_subcommand sources" -l names -d 'Only the names: each configured source, then each kind, one per line (for completion scripts)'
complete -c licusage -n "__fish_licusage_using_subcommand sources" -l json -d 'Same as --format json'
complete -c licusage -n "__fish_licusage_using_subcommand sources" -s q -l quiet -d 'No progress, no warnings'
complete -c licusage -n "__fish_licusage_using_subcommand sources" -s v -l verbose -d 'Log requests to stderr (secrets redacted)'
complete -c licusage -n "__fish_licusage_using_subcommand sources" -s h -l help -d 'Print help'
complete -c licusage -n "__fish_licusage_using_subcommand sources" -s V -l version -d 'Print version'
complete -c licusage -n "__fish_licusage_using_subcommand report" -s s -l source -d 'A source name from the config, or a kind for every source of that kind (repeatable)' -r -f -a "(licusage sources --names 2>/dev/null)"
complete -c licusage -n "__fish_licusage_using_subcommand report" -l product -d 'Only records whose product matches this glob (repeatable)' -r
complete -c licusage -n "__fish_licusage_using_subcommand report" -l metric -d 'Only records whose metric matches this glob (repeatable)' -r
complete -c licusage -n "__fish_licusage_using_subcommand report" -l since -d 'How far back the charts go, e.g. 90d, 12w' -r
complete -c licusage -n "__fish_licusage_using_subcommand report" -l idle -d 'Seats unused this many days or more are to reclaim' -r
complete -c licusage -n "__fish_licusage_using_subcommand report" -s o -l output -d 'Write the report to FILE (replaced whole, never half-written) instead of stdout' -r -F
complete -c licusage -n "__fish_licusage_using_subcommand report" -l format -d 'Output format [default: html]' -r -f -a "html\t''
markdown\t''"
complete -c licusage -n "__fish_licusage_using_subcommand report" -l config -d 'Config file [default: the platform config dir, e.g. ~/.config/licusage/config.toml]' -r -F
complete -c licusage -n "__fish_licusage_using_subcommand report" -l color -d 'When to colour the table (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c licusage -n "__fish_licusage_using_subcommand report" -s t -l timeout -d 'Timeout per request, e.g. 30s, 2m [default: 30s]' -r
complete -c licusage -n "__fish_licusage_using_subcommand report" -s q -l quiet -d 'No progress, no warnings'
complete -c licusage -n "__fish_licusage_using_subcommand report" -s v -l verbose -d 'Log requests to stderr (secrets redacted)'
complete -c licusage -n "__fish_licusage_using_subcommand report" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c licusage -n "__fish_licusage_using_subcommand report" -s V -l version -d 'Print version'
complete -c licusage -n "__fish_licusage_using_subcommand plan" -s s -l source -d 'A source name from the config, or a kind for every source of that kind (repeatable)' -r -f -a "(licusage sources --names 2>/dev/null)"
complete -c licusage -n "__fish_licusage_using_subcommand plan" -l product -d 'Only records whose product matches this glob (repeatable)' -r
complete -c licusage -n "__fish_licusage_using_subcommand plan" -l metric -d 'Only records whose metric matches this glob (repeatable)' -r
complete -c licusage -n "__fish_licusage_using_subcommand plan" -l since -d 'How much history the figures weigh, e.g. 90d, 26w' -r
complete -c licusage -n "__fish_licusage_using_subcommand plan" -l format -d 'Output format [default: table]' -r -f -a "table\t''
json\t''
ndjson\t''
csv\t''
ics\t''"
complete -c licusage -n "__fish_licusage_using_subcommand plan" -l config -d 'Config file [default: the platform config dir, e.g. ~/.config/licusage/config.toml]' -r -F
complete -c licusage -n "__fish_licusage_using_subcommand plan" -l color -d 'When to colour the table (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c licusage -n "__fish_licusage_using_subcommand plan" -s t -l timeout -d 'Timeout per request, e.g. 30s, 2m [default: 30s]' -r
complete -c licusage -n "__fish_licusage_using_subcommand plan" -l json -d 'Same as --format json'
complete -c licusage -n "__fish_licusage_using_subcommand plan" -s q -l quiet -d 'No progress, no warnings'
complete -c licusage -n "__fish_licusage_using_subcommand plan" -s v -l verbose -d 'Log requests to stderr (secrets redacted)'
complete -c licusage -n "__fish_licusage_using_subcommand plan" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c licusage -n "__fish_licusage_using_subcommand plan" -s V -l version -d 'Print version'
complete -c licusage -n "__fish_licusage_using_subcommand 4d" -l file -d 'Read a saved payload from this file instead of the API (- for stdin)' -r
complete -c licusage -n "__fish_licusage_using_subcommand 4d" -l url -d 'Base URL of the vendor API' -r
complete -c licusage -n "__fish_licusage_using_subcommand 4d" -l deadline -d 'How long this source\'s whole read may take, retries included (default 3 × timeout)' -r
complete -c licusage -n "__fish_licusage_using_subcommand 4d" -l token-env -d 'Environment variable holding the API token (sent as Bearer)' -r
complete -c licusage -n "__fish_licusage_using_subcommand 4d" -l token-command -d 'Command whose stdout is the API token (sent as Bearer)' -r
complete -c licusage -n "__fish_licusage_using_subcommand 4d" -l username -d 'User name for Basic auth (with the password)' -r
complete -c licusage -n "__fish_licusage_using_subcommand 4d" -l login -d '`directory`: log in with POST /rest/$directory/login (username-4D, password-4D) instead of Basic auth' -r
complete -c licusage -n "__fish_licusage_using_subcommand 4d" -l password-env -d 'Environment variable holding the password for Basic auth' -r
complete -c licusage -n "__fish_licusage_using_subcommand 4d" -l password-command -d 'Command whose stdout is the password for Basic auth' -r
complete -c licusage -n "__fish_licusage_using_subcommand 4d" -l product -d 'Only records whose product matches this glob (repeatable)' -r
complete -c licusage -n "__fish_licusage_using_subcommand 4d" -l metric -d 'Only records whose metric matches this glob (repeatable)' -r
complete -c licusage -n "__fish_licusage_using_subcommand 4d" -l format -d 'Output format [default: table]' -r -f -a "table\t''
json\t''
ndjson\t''
csv\t''
prometheus\t''"
complete -c licusage -n "__fish_licusage_using_subcommand 4d" -l config -d 'Config file [default: the platform config dir, e.g. ~/.config/licusage/config.toml]' -r -F
complete -c licusage -n "__fish_licusage_using_subcommand 4d" -l color -d 'When to colour the table (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c licusage -n "__fish_licusage_using_subcommand 4d" -s t -l timeout -d 'Timeout per request, e.g. 30s, 2m [default: 30s]' -r
complete -c licusage -n "__fish_licusage_using_subcommand 4d" -l allow-insecure-http -d 'Allow credentials over plain http:// to a non-loopback host'
complete -c licusage -n "__fish_licusage_using_subcommand 4d" -l json -d 'Same as --format json'
complete -c licusage -n "__fish_licusage_using_subcommand 4d" -s q -l quiet -d 'No progress, no warnings'
complete -c licusage -n "__fish_licusage_using_subcommand 4d" -s v -l verbose -d 'Log requests to stderr (secrets redacted)'
complete -c licusage -n "__fish_licusage_using_subcommand 4d" -s h -l help -d 'Print help'
complete -c licusage -n "__fish_licusage_using_subcommand 4d" -s V -l version -d 'Print version'
complete -c licusage -n "__fish_licusage_using_subcommand veeva" -l file -d 'Read a saved payload from this file instead of the API (- for stdin)' -r
complete -c licusage -n "__fish_licusage_using_subcommand veeva" -l url -d 'Base URL of the vendor API' -r
complete -c licusage -n "__fish_licusage_using_subcommand veeva" -l deadline -d 'How long this source\'s whole read may take, retries included (default 3 × timeout)' -r
complete -c licusage -n "__fish_licusage_using_subcommand veeva" -l api-version -d 'Vault API version, e.g. v25.3' -r
complete -c licusage -n "__fish_licusage_using_subcommand veeva" -l session-id-env -d 'Environment variable holding the Vault session id' -r
complete -c licusage -n "__fish_licusage_using_subcommand veeva" -l session-id-command -d 'Command whose stdout is the Vault session id' -r
complete -c licusage -n "__fish_licusage_using_subcommand veeva" -l username -d 'User name for a Vault login (with the password)' -r
complete -c licusage -n "__fish_licusage_using_subcommand veeva" -l password-env -d 'Environment variable holding the Vault password' -r
complete -c licusage -n "__fish_licusage_using_subcommand veeva" -l password-command -d 'Command whose stdout is the Vault password' -r
complete -c licusage -n "__fish_licusage_using_subcommand veeva" -l oauth-profile-id -d 'Vault OAuth 2.0 / OpenID Connect profile id, for SSO-only Vaults (with an access token)' -r
complete -c licusage -n "__fish_licusage_using_subcommand veeva" -l access-token-env -d 'Environment variable holding the identity provider\'s access token for the OAuth profile' -r
complete -c licusage -n "__fish_licusage_using_subcommand veeva" -l access-token-command -d 'Command whose stdout is the identity provider\'s access token for the OAuth profile' -r
complete -c licusage -n "__fish_licusage_using_subcommand veeva" -l login-url -d 'Vault\'s login service for OAuth sessions (default https://login.veevavault.com)' -r
complete -c licusage -n "__fish_licusage_using_subcommand veeva" -l client-id -d 'X-VaultAPI-ClientID sent with every call, which Vault logs (default licusage)' -r
complete -c licusage -n "__fish_licusage_using_subcommand veeva" -l product -d 'Only records whose product matches this glob (repeatable)' -r
complete -c licusage -n "__fish_licusage_using_subcommand veeva" -l metric -d 'Only records whose metric matches this glob (repeatable)' -r
complete -c licusage -n "__fish_licusage_using_subcommand veeva" -l format -d 'Output format [default: table]' -r -f -a "table\t''
json\t''
ndjson\t''
csv\t''
prometheus\t''"
complete -c licusage -n "__fish_licusage_using_subcommand veeva" -l config -d 'Config file [default: the platform config dir, e.g. ~/.config/licusage/config.toml]' -r -F
complete -c licusage -n "__fish_licusage_using_subcommand veeva" -l color -d 'When to colour the table (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c licusage -n "__fish_licusage_using_subcommand veeva" -s t -l timeout -d 'Timeout per request, e.g. 30s, 2m [default: 30s]' -r
complete -c licusage -n "__fish_licusage_using_subcommand veeva" -l allow-insecure-http -d 'Allow credentials over plain http:// to a non-loopback host'
complete -c licusage -n "__fish_licusage_using_subcommand veeva" -l json -d 'Same as --format json'
complete -c licusage -n "__fish_licusage_using_subcommand veeva" -s q -l quiet -d 'No progress, no warnings'
complete -c licusage -n "__fish_licusage_using_subcommand veeva" -s v -l verbose -d 'Log requests to stderr (secrets redacted)'
complete -c licusage -n "__fish_licusage_using_subcommand veeva" -s h -l help -d 'Print help'
complete -c licusage -n "__fish_licusage_using_subcommand veeva" -s V -l version -d 'Print version'
complete -c licusage -n "__fish_licusage_using_subcommand onlyoffice" -l file -d 'Read a saved payload from this file instead of the API (- for stdin)' -r
complete -c licusage -n "__fish_licusage_using_subcommand onlyoffice" -l url -d 'Base URL of the vendor API' -r
complete -c licusage -n "__fish_licusage_using_subcommand onlyoffice" -l deadline -d 'How long this source\'s whole read may take, retries included (default 3 × timeout)' -r
complete -c licusage -n "__fish_licusage_using_subcommand onlyoffice" -l jwt-secret-env -d 'Environment variable holding the ONLYOFFICE JWT secret' -r
complete -c licusage -n "__fish_licusage_using_subcommand onlyoffice" -l jwt-secret-command -d 'Command whose stdout is the ONLYOFFICE JWT secret' -r
complete -c licusage -n "__fish_licusage_using_subcommand onlyoffice" -l jwt-header -d 'Header that carries the ONLYOFFICE JWT (default Authorization)' -r
complete -c licusage -n "__fish_licusage_using_subcommand onlyoffice" -l info-url -d 'The server\'s /info/info.json, for the connections in use (answered to allowed hosts only)' -r
complete -c licusage -n "__fish_licusage_using_subcommand onlyoffice" -l info-file -d 'A saved /info/info.json, for the connections in use' -r
complete -c licusage -n "__fish_licusage_using_subcommand onlyoffice" -l product -d 'Only records whose product matches this glob (repeatable)' -r
complete -c licusage -n "__fish_licusage_using_subcommand onlyoffice" -l metric -d 'Only records whose metric matches this glob (repeatable)' -r
complete -c licusage -n "__fish_licusage_using_subcommand onlyoffice" -l format -d 'Output format [default: table]' -r -f -a "table\t''
json\t''
ndjson\t''
csv\t''
prometheus\t''"
complete -c licusage -n "__fish_licusage_using_subcommand onlyoffice" -l config -d 'Config file [default: the platform config dir, e.g. ~/.config/licusage/config.toml]' -r -F
complete -c licusage -n "__fish_licusage_using_subcommand onlyoffice" -l color -d 'When to colour the table (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c licusage -n "__fish_licusage_using_subcommand onlyoffice" -s t -l timeout -d 'Timeout per request, e.g. 30s, 2m [default: 30s]' -r
complete -c licusage -n "__fish_licusage_using_subcommand onlyoffice" -l allow-insecure-http -d 'Allow credentials over plain http:// to a non-loopback host'
complete -c licusage -n "__fish_licusage_using_subcommand onlyoffice" -l json -d 'Same as --format json'
complete -c licusage -n "__fish_licusage_using_subcommand onlyoffice" -s q -l quiet -d 'No progress, no warnings'
complete -c licusage -n "__fish_licusage_using_subcommand onlyoffice" -s v -l verbose -d 'Log requests to stderr (secrets redacted)'
complete -c licusage -n "__fish_licusage_using_subcommand onlyoffice" -s h -l help -d 'Print help'
complete -c licusage -n "__fish_licusage_using_subcommand onlyoffice" -s V -l version -d 'Print version'
complete -c licusage -n "__fish_licusage_using_subcommand leegality" -l file -d 'Read a saved payload from this file instead of the API (- for stdin)' -r
complete -c licusage -n "__fish_licusage_using_subcommand leegality" -l url -d 'Base URL of the vendor API' -r
complete -c licusage -n "__fish_licusage_using_subcommand leegality" -l deadline -d 'How long this source\'s whole read may take, retries included (default 3 × timeout)' -r
complete -c licusage -n "__fish_licusage_using_subcommand leegality" -l license-id -d 'Leegality license id' -r
complete -c licusage -n "__fish_licusage_using_subcommand leegality" -l environment -d 'Leegality environment: production or sandbox' -r
complete -c licusage -n "__fish_licusage_using_subcommand leegality" -l token-env -d 'Environment variable holding the Leegality API token (sent as X-Auth-Token)' -r
complete -c licusage -n "__fish_licusage_using_subcommand leegality" -l token-command -d 'Command whose stdout is the Leegality API token (sent as X-Auth-Token)' -r
complete -c licusage -n "__fish_licusage_using_subcommand leegality" -l client-id -d 'SignStation client id, for a Bearer token from {url}/api/v1/auth/token' -r
complete -c licusage -n "__fish_licusage_using_subcommand leegality" -l client-secret-env -d 'Environment variable holding the SignStation client secret' -r
complete -c licusage -n "__fish_licusage_using_subcommand leegality" -l client-secret-command -d 'Command whose stdout is the SignStation client secret' -r
complete -c licusage -n "__fish_licusage_using_subcommand leegality" -l product -d 'Only records whose product matches this glob (repeatable)' -r
complete -c licusage -n "__fish_licusage_using_subcommand leegality" -l metric -d 'Only records whose metric matches this glob (repeatable)' -r
complete -c licusage -n "__fish_licusage_using_subcommand leegality" -l format -d 'Output format [default: table]' -r -f -a "table\t''
json\t''
ndjson\t''
csv\t''
prometheus\t''"
complete -c licusage -n "__fish_licusage_using_subcommand leegality" -l config -d 'Config file [default: the platform config dir, e.g. ~/.config/licusage/config.toml]' -r -F
complete -c licusage -n "__fish_licusage_using_subcommand leegality" -l color -d 'When to colour the table (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c licusage -n "__fish_licusage_using_subcommand leegality" -s t -l timeout -d 'Timeout per request, e.g. 30s, 2m [default: 30s]' -r
complete -c licusage -n "__fish_licusage_using_subcommand leegality" -l allow-insecure-http -d 'Allow credentials over plain http:// to a non-loopback host'
complete -c licusage -n "__fish_licusage_using_subcommand leegality" -l json -d 'Same as --format json'
complete -c licusage -n "__fish_licusage_using_subcommand leegality" -s q -l quiet -d 'No progress, no warnings'
complete -c licusage -n "__fish_licusage_using_subcommand leegality" -s v -l verbose -d 'Log requests to stderr (secrets redacted)'
complete -c licusage -n "__fish_licusage_using_subcommand leegality" -s h -l help -d 'Print help'
complete -c licusage -n "__fish_licusage_using_subcommand leegality" -s V -l version -d 'Print version'
complete -c licusage -n "__fish_licusage_using_subcommand cpod" -l file -d 'Read a saved payload from this file instead of the API (- for stdin)' -r
complete -c licusage -n "__fish_licusage_using_subcommand cpod" -l url -d 'Base URL of the vendor API' -r
complete -c licusage -n "__fish_licusage_using_subcommand cpod" -l deadline -d 'How long this source\'s whole read may take, retries included (default 3 × timeout)' -r
complete -c licusage -n "__fish_licusage_using_subcommand cpod" -l token-env -d 'Environment variable holding the cPod API token' -r
complete -c licusage -n "__fish_licusage_using_subcommand cpod" -l token-command -d 'Command whose stdout is the cPod API token' -r
complete -c licusage -n "__fish_licusage_using_subcommand cpod" -l client-id -d 'CPod client id for the client-credentials flow' -r
complete -c licusage -n "__fish_licusage_using_subcommand cpod" -l client-secret-env -d 'Environment variable holding the cPod client secret' -r
complete -c licusage -n "__fish_licusage_using_subcommand cpod" -l client-secret-command -d 'Command whose stdout is the cPod client secret' -r
complete -c licusage -n "__fish_licusage_using_subcommand cpod" -l token-url -d 'Token endpoint of the client-credentials flow (default {url}/v1/oauth/token)' -r
complete -c licusage -n "__fish_licusage_using_subcommand cpod" -l scope -d 'Scope asked for in the client-credentials flow' -r
complete -c licusage -n "__fish_licusage_using_subcommand cpod" -l assignments-file -d 'Read the cPod assignments payload from this file (- for stdin)' -r
complete -c licusage -n "__fish_licusage_using_subcommand cpod" -l product -d 'Only records whose product matches this glob (repeatable)' -r
complete -c licusage -n "__fish_licusage_using_subcommand cpod" -l metric -d 'Only records whose metric matches this glob (repeatable)' -r
complete -c licusage -n "__fish_licusage_using_subcommand cpod" -l format -d 'Output format [default: table]' -r -f -a "table\t''
json\t''
ndjson\t''
csv\t''
prometheus\t''"
complete -c licusage -n "__fish_licusage_using_subcommand cpod" -l config -d 'Config file [default: the platform config dir, e.g. ~/.config/licusage/config.toml]' -r -F
complete -c licusage -n "__fish_licusage_using_subcommand cpod" -l color -d 'When to colour the table (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c licusage -n "__fish_licusage_using_subcommand cpod" -s t -l timeout -d 'Timeout per request, e.g. 30s, 2m [default: 30s]' -r
complete -c licusage -n "__fish_licusage_using_subcommand cpod" -l allow-insecure-http -d 'Allow credentials over plain http:// to a non-loopback host'
complete -c licusage -n "__fish_licusage_using_subcommand cpod" -l json -d 'Same as --format json'
complete -c licusage -n "__fish_licusage_using_subcommand cpod" -s q -l quiet -d 'No progress, no warnings'
complete -c licusage -n "__fish_licusage_using_subcommand cpod" -s v -l verbose -d 'Log requests to stderr (secrets redacted)'
complete -c licusage -n "__fish_licusage_using_subcommand cpod" -s h -l help -d 'Print help'
complete -c licusage -n "__fish_licusage_using_subcommand cpod" -s V -l version -d 'Print version'
complete -c licusage -n "__fish_licusage_using_subcommand flexlm" -l file -d 'Read a saved payload from this file instead of the API (- for stdin)' -r
complete -c licusage -n "__fish_licusage_using_subcommand flexlm" -l url -d 'Base URL of the vendor API' -r
complete -c licusage -n "__fish_licusage_using_subcommand flexlm" -l deadline -d 'How long this source\'s whole read may take, retries included (default 3 × timeout)' -r
complete -c licusage -n "__fish_licusage_using_subcommand flexlm" -l log -d 'The lmgrd debug log (`lmgrd -l`), read for denials, true peaks and checkout time' -r
complete -c licusage -n "__fish_licusage_using_subcommand flexlm" -l command -d 'Run this program for the `lmstat -a` output (no shell), e.g. ["lmutil", "lmstat", "-a", "-c", "27000@lic1"] (one string, split into words like a shell\'s, no shell run)' -r
complete -c licusage -n "__fish_licusage_using_subcommand flexlm" -l expiry-file -d 'Read the `lmstat -i` output (expiry dates) from this file (- for stdin)' -r
complete -c licusage -n "__fish_licusage_using_subcommand flexlm" -l expiry-command -d 'Run this program for the `lmstat -i` output (expiry dates) (one string, split into words like a shell\'s, no shell run)' -r
complete -c licusage -n "__fish_licusage_using_subcommand flexlm" -l product -d 'Only records whose product matches this glob (repeatable)' -r
complete -c licusage -n "__fish_licusage_using_subcommand flexlm" -l metric -d 'Only records whose metric matches this glob (repeatable)' -r
complete -c licusage -n "__fish_licusage_using_subcommand flexlm" -l format -d 'Output format [default: table]' -r -f -a "table\t''
json\t''
ndjson\t''
csv\t''
prometheus\t''"
complete -c licusage -n "__fish_licusage_using_subcommand flexlm" -l config -d 'Config file [default: the platform config dir, e.g. ~/.config/licusage/config.toml]' -r -F
complete -c licusage -n "__fish_licusage_using_subcommand flexlm" -l color -d 'When to colour the table (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c licusage -n "__fish_licusage_using_subcommand flexlm" -s t -l timeout -d 'Timeout per request, e.g. 30s, 2m [default: 30s]' -r
complete -c licusage -n "__fish_licusage_using_subcommand flexlm" -l allow-insecure-http -d 'Allow credentials over plain http:// to a non-loopback host'
complete -c licusage -n "__fish_licusage_using_subcommand flexlm" -l json -d 'Same as --format json'
complete -c licusage -n "__fish_licusage_using_subcommand flexlm" -s q -l quiet -d 'No progress, no warnings'
complete -c licusage -n "__fish_licusage_using_subcommand flexlm" -s v -l verbose -d 'Log requests to stderr (secrets redacted)'
complete -c licusage -n "__fish_licusage_using_subcommand flexlm" -s h -l help -d 'Print help'
complete -c licusage -n "__fish_licusage_using_subcommand flexlm" -s V -l version -d 'Print version'
complete -c licusage -n "__fish_licusage_using_subcommand rlm" -l file -d 'Read a saved payload from this file instead of the API (- for stdin)' -r
complete -c licusage -n "__fish_licusage_using_subcommand rlm" -l url -d 'Base URL of the vendor API' -r
complete -c licusage -n "__fish_licusage_using_subcommand rlm" -l deadline -d 'How long this source\'s whole read may take, retries included (default 3 × timeout)' -r
complete -c licusage -n "__fish_licusage_using_subcommand rlm" -l command -d 'Run this program for the `rlmstat -a` output (no shell), e.g. ["rlmutil", "rlmstat", "-a", "-c", "5053@lic1"] (one string, split into words like a shell\'s, no shell run)' -r
complete -c licusage -n "__fish_licusage_using_subcommand rlm" -l log -d 'The ISV server\'s report log (REPORTLOG, std or small), read for denials, true peaks and checkout time' -r
complete -c licusage -n "__fish_licusage_using_subcommand rlm" -l product -d 'Only records whose product matches this glob (repeatable)' -r
complete -c licusage -n "__fish_licusage_using_subcommand rlm" -l metric -d 'Only records whose metric matches this glob (repeatable)' -r
complete -c licusage -n "__fish_licusage_using_subcommand rlm" -l format -d 'Output format [default: table]' -r -f -a "table\t''
json\t''
ndjson\t''
csv\t''
prometheus\t''"
complete -c licusage -n "__fish_licusage_using_subcommand rlm" -l config -d 'Config file [default: the platform config dir, e.g. ~/.config/licusage/config.toml]' -r -F
complete -c licusage -n "__fish_licusage_using_subcommand rlm" -l color -d 'When to colour the table (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c licusage -n "__fish_licusage_using_subcommand rlm" -s t -l timeout -d 'Timeout per request, e.g. 30s, 2m [default: 30s]' -r
complete -c licusage -n "__fish_licusage_using_subcommand rlm" -l allow-insecure-http -d 'Allow credentials over plain http:// to a non-loopback host'
complete -c licusage -n "__fish_licusage_using_subcommand rlm" -l json -d 'Same as --format json'
complete -c licusage -n "__fish_licusage_using_subcommand rlm" -s q -l quiet -d 'No progress, no warnings'
complete -c licusage -n "__fish_licusage_using_subcommand rlm" -s v -l verbose -d 'Log requests to stderr (secrets redacted)'
complete -c licusage -n "__fish_licusage_using_subcommand rlm" -s h -l help -d 'Print help'
complete -c licusage -n "__fish_licusage_using_subcommand rlm" -s V -l version -d 'Print version'
complete -c licusage -n "__fish_licusage_using_subcommand generic" -l file -d 'Read a saved payload from this file instead of the API (- for stdin)' -r
complete -c licusage -n "__fish_licusage_using_subcommand generic" -l url -d 'Base URL of the vendor API' -r
complete -c licusage -n "__fish_licusage_using_subcommand generic" -l deadline -d 'How long this source\'s whole read may take, retries included (default 3 × timeout)' -r
complete -c licusage -n "__fish_licusage_using_subcommand generic" -l jq -d 'Jq filter yielding {product, metric, used, limit, expires_at?, unit_price?, currency?, details?}' -r
complete -c licusage -n "__fish_licusage_using_subcommand generic" -l holders-jq -d 'Jq filter yielding holders {holder, product?, metric?, since?, last_used?, expires_at?, details?}' -r
complete -c licusage -n "__fish_licusage_using_subcommand generic" -l method -d 'HTTP method: GET (default) or POST' -r
complete -c licusage -n "__fish_licusage_using_subcommand generic" -l body -d 'Request body for POST (sent as JSON when it parses as JSON)' -r
complete -c licusage -n "__fish_licusage_using_subcommand generic" -l token-env -d 'Environment variable holding the API token' -r
complete -c licusage -n "__fish_licusage_using_subcommand generic" -l token-command -d 'Command whose stdout is the API token' -r
complete -c licusage -n "__fish_licusage_using_subcommand generic" -l auth-header -d 'Header the token is sent in (default Authorization)' -r
complete -c licusage -n "__fish_licusage_using_subcommand generic" -l auth-scheme -d 'Scheme before the token (default Bearer; "" for none)' -r
complete -c licusage -n "__fish_licusage_using_subcommand generic" -l username -d 'User name for HTTP Basic authentication' -r
complete -c licusage -n "__fish_licusage_using_subcommand generic" -l password-env -d 'Environment variable holding the Basic authentication password' -r
complete -c licusage -n "__fish_licusage_using_subcommand generic" -l password-command -d 'Command whose stdout is the Basic authentication password' -r
complete -c licusage -n "__fish_licusage_using_subcommand generic" -l client-id -d 'Client id for the OAuth2 client-credentials flow' -r
complete -c licusage -n "__fish_licusage_using_subcommand generic" -l client-secret-env -d 'Environment variable holding the OAuth2 client secret' -r
complete -c licusage -n "__fish_licusage_using_subcommand generic" -l client-secret-command -d 'Command whose stdout is the OAuth2 client secret' -r
complete -c licusage -n "__fish_licusage_using_subcommand generic" -l token-url -d 'Token endpoint of the OAuth2 client-credentials flow' -r
complete -c licusage -n "__fish_licusage_using_subcommand generic" -l scope -d 'Scope asked for in the client-credentials flow' -r
complete -c licusage -n "__fish_licusage_using_subcommand generic" -l next -d 'Jq giving the next page\'s URL (null on the last page), e.g. ."@odata.nextLink"' -r
complete -c licusage -n "__fish_licusage_using_subcommand generic" -l next-query -d 'Jq giving the next request\'s query parameters (null on the last page), e.g. {pageToken: .nextPageToken}' -r
complete -c licusage -n "__fish_licusage_using_subcommand generic" -l page-param -d 'Query parameter of the page number (or {page} in the URL), with `last`' -r
complete -c licusage -n "__fish_licusage_using_subcommand generic" -l first-page -d 'The first page\'s number with `page_param` or {page} (default 1)' -r
complete -c licusage -n "__fish_licusage_using_subcommand generic" -l last -d 'Jq telling the last page (true) when paging by number' -r
complete -c licusage -n "__fish_licusage_using_subcommand generic" -l error -d 'Jq giving the API\'s error in an answer under HTTP 200 (null when none)' -r
complete -c licusage -n "__fish_licusage_using_subcommand generic" -l client-auth -d 'How the OAuth2 client authenticates: post (in the form, default) or basic (client_secret_basic)' -r
complete -c licusage -n "__fish_licusage_using_subcommand generic" -l service-account-file -d 'A service account\'s JSON key file (Google): the JWT-bearer grant, with `scope`' -r
complete -c licusage -n "__fish_licusage_using_subcommand generic" -l subject -d 'The user a service account acts for (domain-wide delegation)' -r
complete -c licusage -n "__fish_licusage_using_subcommand generic" -l product -d 'Only records whose product matches this glob (repeatable)' -r
complete -c licusage -n "__fish_licusage_using_subcommand generic" -l metric -d 'Only records whose metric matches this glob (repeatable)' -r
complete -c licusage -n "__fish_licusage_using_subcommand generic" -l format -d 'Output format [default: table]' -r -f -a "table\t''
json\t''
ndjson\t''
csv\t''
prometheus\t''"
complete -c licusage -n "__fish_licusage_using_subcommand generic" -l config -d 'Config file [default: the platform config dir, e.g. ~/.config/licusage/config.toml]' -r -F
complete -c licusage -n "__fish_licusage_using_subcommand generic" -l color -d 'When to colour the table (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c licusage -n "__fish_licusage_using_subcommand generic" -s t -l timeout -d 'Timeout per request, e.g. 30s, 2m [default: 30s]' -r
complete -c licusage -n "__fish_licusage_using_subcommand generic" -l allow-insecure-http -d 'Allow credentials over plain http:// to a non-loopback host'
complete -c licusage -n "__fish_licusage_using_subcommand generic" -l json -d 'Same as --format json'
complete -c licusage -n "__fish_licusage_using_subcommand generic" -s q -l quiet -d 'No progress, no warnings'
complete -c licusage -n "__fish_licusage_using_subcommand generic" -s v -l verbose -d 'Log requests to stderr (secrets redacted)'
complete -c licusage -n "__fish_licusage_using_subcommand generic" -s h -l help -d 'Print help'
complete -c licusage -n "__fish_licusage_using_subcommand generic" -s V -l version -d 'Print version'
complete -c licusage -n "__fish_licusage_using_subcommand holders" -s s -l source -d 'A source name from the config, or a kind for every source of that kind (repeatable)' -r -f -a "(licusage sources --names 2>/dev/null)"
complete -c licusage -n "__fish_licusage_using_subcommand holders" -l product -d 'Only records whose product matches this glob (repeatable)' -r
complete -c licusage -n "__fish_licusage_using_subcommand holders" -l metric -d 'Only records whose metric matches this glob (repeatable)' -r
complete -c licusage -n "__fish_licusage_using_subcommand holders" -l idle -d 'Only holders whose seat has not been used for DAYS or more (never used counts)' -r
complete -c licusage -n "__fish_licusage_using_subcommand holders" -l since -d 'With --usage: how far back, e.g. 30d, 12h, 52w' -r
complete -c licusage -n "__fish_licusage_using_subcommand holders" -l format -d 'Output format [default: table]' -r -f -a "table\t''
json\t''
ndjson\t''
csv\t''"
complete -c licusage -n "__fish_licusage_using_subcommand holders" -l config -d 'Config file [default: the platform config dir, e.g. ~/.config/licusage/config.toml]' -r -F
complete -c licusage -n "__fish_licusage_using_subcommand holders" -l color -d 'When to colour the table (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c licusage -n "__fish_licusage_using_subcommand holders" -s t -l timeout -d 'Timeout per request, e.g. 30s, 2m [default: 30s]' -r
complete -c licusage -n "__fish_licusage_using_subcommand holders" -l redact -d 'Replace holder identities by a stable short hash, dropping the details that identify a person or machine'
complete -c licusage -n "__fish_licusage_using_subcommand holders" -l usage -d 'Checkout hours per user and feature from the server logs (`log`) over --since, instead of who holds seats now'
complete -c licusage -n "__fish_licusage_using_subcommand holders" -l json -d 'Same as --format json'
complete -c licusage -n "__fish_licusage_using_subcommand holders" -s q -l quiet -d 'No progress, no warnings'
complete -c licusage -n "__fish_licusage_using_subcommand holders" -s v -l verbose -d 'Log requests to stderr (secrets redacted)'
complete -c licusage -n "__fish_licusage_using_subcommand holders" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c licusage -n "__fish_licusage_using_subcommand holders" -s V -l version -d 'Print version'
complete -c licusage -n "__fish_licusage_using_subcommand help; and not __fish_seen_subcommand_from record completions config serve notify show check history diff sources report plan 4d veeva onlyoffice leegality cpod flexlm rlm generic holders help" -f -a "record" -d 'Take a snapshot of all sources and append it to the history store (for cron)'
complete -c licusage -n "__fish_licusage_using_subcommand help; and not __fish_seen_subcommand_from record completions config serve notify show check history diff sources report plan 4d veeva onlyoffice leegality cpod flexlm rlm generic holders help" -f -a "completions" -d 'Print a completion script: bash, zsh, fish, powershell, elvish'
complete -c licusage -n "__fish_licusage_using_subcommand help; and not __fish_seen_subcommand_from record completions config serve notify show check history diff sources report plan 4d veeva onlyoffice leegality cpod flexlm rlm generic holders help" -f -a "config" -d '`config path` prints the config file path; `config check` validates it'
complete -c licusage -n "__fish_licusage_using_subcommand help; and not __fish_seen_subcommand_from record completions config serve notify show check history diff sources report plan 4d veeva onlyoffice leegality cpod flexlm rlm generic holders help" -f -a "serve" -d 'A long-running Prometheus exporter: /metrics, /healthz, /records'
complete -c licusage -n "__fish_licusage_using_subcommand help; and not __fish_seen_subcommand_from record completions config serve notify show check history diff sources report plan 4d veeva onlyoffice leegality cpod flexlm rlm generic holders help" -f -a "notify" -d 'Send what changed (status, sources failing, deadlines) to the [notify] channels (for cron)'
complete -c licusage -n "__fish_licusage_using_subcommand help; and not __fish_seen_subcommand_from record completions config serve notify show check history diff sources report plan 4d veeva onlyoffice leegality cpod flexlm rlm generic holders help" -f -a "show" -d 'Read every configured source (or those named by --source) and render the records'
complete -c licusage -n "__fish_licusage_using_subcommand help; and not __fish_seen_subcommand_from record completions config serve notify show check history diff sources report plan 4d veeva onlyoffice leegality cpod flexlm rlm generic holders help" -f -a "check" -d 'Evaluate thresholds and expiry; monitoring-plugin output and exit codes'
complete -c licusage -n "__fish_licusage_using_subcommand help; and not __fish_seen_subcommand_from record completions config serve notify show check history diff sources report plan 4d veeva onlyoffice leegality cpod flexlm rlm generic holders help" -f -a "history" -d 'Usage over time per series: sparkline, trend, forecast of exhaustion'
complete -c licusage -n "__fish_licusage_using_subcommand help; and not __fish_seen_subcommand_from record completions config serve notify show check history diff sources report plan 4d veeva onlyoffice leegality cpod flexlm rlm generic holders help" -f -a "diff" -d 'Compare two saved JSON outputs (`show --format json`): what changed, per series'
complete -c licusage -n "__fish_licusage_using_subcommand help; and not __fish_seen_subcommand_from record completions config serve notify show check history diff sources report plan 4d veeva onlyoffice leegality cpod flexlm rlm generic holders help" -f -a "sources" -d 'List the configured sources and the supported kinds'
complete -c licusage -n "__fish_licusage_using_subcommand help; and not __fish_seen_subcommand_from record completions config serve notify show check history diff sources report plan 4d veeva onlyoffice leegality cpod flexlm rlm generic holders help" -f -a "report" -d 'A self-contained HTML (or Markdown) report with charts, prices and renewals'
complete -c licusage -n "__fish_licusage_using_subcommand help; and not __fish_seen_subcommand_from record completions config serve notify show check history diff sources report plan 4d veeva onlyoffice leegality cpod flexlm rlm generic holders help" -f -a "plan" -d 'Renewal decisions: peak, p95, recommended limit, what it saves, and by when to say so'
complete -c licusage -n "__fish_licusage_using_subcommand help; and not __fish_seen_subcommand_from record completions config serve notify show check history diff sources report plan 4d veeva onlyoffice leegality cpod flexlm rlm generic holders help" -f -a "4d" -d 'One-off read: 4D Server `License usage` collection (served by an exposed function, or exported)'
complete -c licusage -n "__fish_licusage_using_subcommand help; and not __fish_seen_subcommand_from record completions config serve notify show check history diff sources report plan 4d veeva onlyoffice leegality cpod flexlm rlm generic holders help" -f -a "veeva" -d 'One-off read: Veeva Vault application licenses (GET /api/{version}/objects/licenses)'
complete -c licusage -n "__fish_licusage_using_subcommand help; and not __fish_seen_subcommand_from record completions config serve notify show check history diff sources report plan 4d veeva onlyoffice leegality cpod flexlm rlm generic holders help" -f -a "onlyoffice" -d 'One-off read: ONLYOFFICE Docs license and user quota (command service, {"c":"license"})'
complete -c licusage -n "__fish_licusage_using_subcommand help; and not __fish_seen_subcommand_from record completions config serve notify show check history diff sources report plan 4d veeva onlyoffice leegality cpod flexlm rlm generic holders help" -f -a "leegality" -d 'One-off read: Leegality license usage statistics (GET /api/v1/licenses/{id}/usage-statistics)'
complete -c licusage -n "__fish_licusage_using_subcommand help; and not __fish_seen_subcommand_from record completions config serve notify show check history diff sources report plan 4d veeva onlyoffice leegality cpod flexlm rlm generic holders help" -f -a "cpod" -d 'One-off read: cPod software licenses and seat assignments (GET /api/v1/licenses)'
complete -c licusage -n "__fish_licusage_using_subcommand help; and not __fish_seen_subcommand_from record completions config serve notify show check history diff sources report plan 4d veeva onlyoffice leegality cpod flexlm rlm generic holders help" -f -a "flexlm" -d 'One-off read: FlexNet Publisher (FlexLM) license servers: `lmutil lmstat -a` output, from a file or a command'
complete -c licusage -n "__fish_licusage_using_subcommand help; and not __fish_seen_subcommand_from record completions config serve notify show check history diff sources report plan 4d veeva onlyoffice leegality cpod flexlm rlm generic holders help" -f -a "rlm" -d 'One-off read: Reprise License Manager (RLM) servers: `rlmutil rlmstat -a` output, from a file or a command'
complete -c licusage -n "__fish_licusage_using_subcommand help; and not __fish_seen_subcommand_from record completions config serve notify show check history diff sources report plan 4d veeva onlyoffice leegality cpod flexlm rlm generic holders help" -f -a "generic" -d 'One-off read: Any JSON API or file, mapped to records by a jq filter'
complete -c licusage -n "__fish_licusage_using_subcommand help; and not __fish_seen_subcommand_from record completions config serve notify show check history diff sources report plan 4d veeva onlyoffice leegality cpod flexlm rlm generic holders help" -f -a "holders" -d 'List who holds the seats (kinds 4d, onlyoffice, cpod, flexlm, rlm, generic)'
complete -c licusage -n "__fish_licusage_using_subcommand help; and not __fish_seen_subcommand_from record completions config serve notify show check history diff sources report plan 4d veeva onlyoffice leegality cpod flexlm rlm generic holders help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c licusage -n "__fish_licusage_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "path" -d 'Print the config file path'
complete -c licusage -n "__fish_licusage_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "init" -d 'Write a commented starter config (every kind, keys commented out) at the config path, mode 0600'
complete -c licusage -n "__fish_licusage_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "check" -d 'Validate the config file: exit 0 when valid, 2 with the reason when not'
complete -c licusage -n "__fish_licusage_using_subcommand help; and __fish_seen_subcommand_from history" -f -a "migrate" -d 'Copy the local SQLite history into a PostgreSQL one, verified by counts (run again: copies only what is new)'
