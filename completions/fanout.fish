# fish completion for fanout(1): its options and their values, then the
# command it runs, completed as a command with that command's own arguments.

# Print the words after fanout's options (the command and its arguments);
# print nothing while the cursor is still among the options.
function __fanout_command_words
    set -l words (commandline -opc)
    set -e words[1]
    while set -q words[1]
        set -l w $words[1]
        set -e words[1]
        switch $w
            case --
                break
            case '--*=*'
            case --adaptive --arg-file --batch --batch-timeout --block --block-size \
                --breaker --breaker-cooldown \
                --overload-exit \
                --buffer-size --burst --colsep --delay --delimiter --halt \
                --halt-on-error --header \
                --jobs --joblog --json-log --kill-after --max-args --max-procs \
                --max-replace-args --nice \
                --rate --recend --recstart --results --retries --retry-delay --shard --tagstring --timeout --tmpdir --env --slf \
                --ssh --ssh-give-up --sshlogin --sshloginfile --wd --workdir \
                --load --memfree --rlimit
                set -e words[1]
            case '--*'
            case '-?*'
                # A cluster (-kj4, -kj 4) ends at the first letter that takes
                # a value; with nothing after it, the value is the next word.
                set -l letters (string split '' -- (string sub -s 2 -- $w))
                for k in (seq (count $letters))
                    if contains -- $letters[$k] a C n N d I j L P S
                        test $k -eq (count $letters); and set -e words[1]
                        break
                    end
                end
            case '*'
                set words $w $words
                break
        end
    end
    set -q words[1]; and printf '%s\n' $words
end

function __fanout_in_options
    set -l words (__fanout_command_words)
    not set -q words[1]
end

# Complete the wrapped command's arguments, or the records after :::.
function __fanout_complete_command_args
    set -l words (__fanout_command_words)
    if contains -- ::: $words; or contains -- :::: $words
        __fish_complete_path (commandline -ct)
    else
        complete -C (string join ' ' -- (string escape -- $words) (commandline -ct))
    end
end

complete -c fanout -f
complete -c fanout -n __fanout_in_options -a '(__fish_complete_command)'
complete -c fanout -n 'not __fanout_in_options' -a '(__fanout_complete_command_args)'

complete -c fanout -n __fanout_in_options -l adaptive -x -d 'As -j auto, with at most MAX jobs at once'
complete -c fanout -n __fanout_in_options -l overload-exit -x -d 'With -j auto, exit statuses that mean overload'
complete -c fanout -n __fanout_in_options -s a -l arg-file -r -F -d 'Read records from FILE instead of stdin'
complete -c fanout -n __fanout_in_options -s n -l batch -x -d 'Up to N records per command'
complete -c fanout -n __fanout_in_options -l max-args -x -d 'Up to N records per command (same as --batch)'
complete -c fanout -n __fanout_in_options -l batch-timeout -x -d 'Flush a partial batch after DUR'
complete -c fanout -n __fanout_in_options -l block -x -d '--pipe: blocks of about SIZE bytes (default 1M, or 10 a job slot of an -a FILE)'
complete -c fanout -n __fanout_in_options -l block-size -x -d '--pipe: blocks of about SIZE bytes (same as --block)'
complete -c fanout -n __fanout_in_options -l pipe -d 'Cut stdin into blocks of records, each the stdin of one job'
complete -c fanout -n __fanout_in_options -l spreadstdin -d 'Cut stdin into blocks (same as --pipe)'
complete -c fanout -n __fanout_in_options -l recend -x -d '--pipe: records end with STR (default \\n)'
complete -c fanout -n __fanout_in_options -l recstart -x -d '--pipe: records start with STR'
complete -c fanout -n __fanout_in_options -l breaker -x -d 'Stop starting jobs after N failures in a row'
complete -c fanout -n __fanout_in_options -l breaker-cooldown -x -d 'Wait DUR before a probe job (default 30s)'
complete -c fanout -n __fanout_in_options -l buffer-size -x -d 'Held output in memory, the rest in TMPDIR (16M)'
complete -c fanout -n __fanout_in_options -l burst -x -d 'With --rate, up to B starts at once (default 1)'
complete -c fanout -n __fanout_in_options -s C -l colsep -x -d 'Cut each record into columns {1} {2} ... at REGEX'
complete -c fanout -n __fanout_in_options -l delay -x -d 'At least DUR between two job starts'
complete -c fanout -n __fanout_in_options -s d -l delimiter -x -d 'Records end with the byte DELIM'
complete -c fanout -n __fanout_in_options -l dry-run -d 'Print each command instead of running it'
complete -c fanout -n __fanout_in_options -l dryrun -d 'Print each command instead of running it (same as --dry-run)'
complete -c fanout -n __fanout_in_options -l group -d 'Each job'\''s output in one piece (the default)'
complete -c fanout -n __fanout_in_options -l halt -x -a 'soon,fail= now,fail= soon,success= now,success= soon,done= now,done=' -d 'Stop after N (or N%) jobs fail, succeed or are done'
complete -c fanout -n __fanout_in_options -l halt-on-error -x -a 'soon,fail= now,fail= soon,success= now,success= soon,done= now,done= 0 1 2 -1 -2' -d 'Stop after N (or N%) jobs fail, succeed or are done (same as --halt)'
complete -c fanout -n __fanout_in_options -l header -x -a ':' -d 'The first record names the columns: {name}; --pipe: N lines head every block'
complete -c fanout -n __fanout_in_options -s h -l help -d 'Show the help and exit'
complete -c fanout -n __fanout_in_options -s I -x -d 'Use STR instead of {} for the record'
complete -c fanout -n __fanout_in_options -s j -l jobs -x -a auto -d 'Run N jobs at once, N% or +N/-N of the CPUs, 0: most, auto'
complete -c fanout -n __fanout_in_options -s P -x -d 'Run N jobs at once (same as -j)'
complete -c fanout -n __fanout_in_options -l max-procs -x -d 'Run N jobs at once (same as -j)'
complete -c fanout -n __fanout_in_options -l joblog -r -F -d 'Log each job to FILE (GNU parallel columns); +FILE appends'
complete -c fanout -n __fanout_in_options -l json-log -r -F -d 'Log each job attempt to FILE as JSON lines'
complete -c fanout -n __fanout_in_options -s k -l keep-order -d 'Write outputs in input order'
complete -c fanout -n __fanout_in_options -l kill-after -x -d 'SIGKILL a job DUR after SIGTERM (default 2s)'
complete -c fanout -n __fanout_in_options -l load -x -d 'Start no job while the load average is above N'
complete -c fanout -n __fanout_in_options -l memfree -x -d 'Start no job while less memory is available'
complete -c fanout -n __fanout_in_options -s L -x -d 'Up to N input lines per command (as --batch)'
complete -c fanout -n __fanout_in_options -l line-buffer -d 'Pass output on a whole line at a time'
complete -c fanout -n __fanout_in_options -l lb -d 'Pass output on a whole line at a time (same as --line-buffer)'
complete -c fanout -n __fanout_in_options -l link -d 'Link all input sources: n-th with n-th'
complete -c fanout -n __fanout_in_options -l xapply -d 'Link all input sources (same as --link)'
complete -c fanout -n __fanout_in_options -s m -l xargs -d 'As many records a command as fit; {} is all of them'
complete -c fanout -n __fanout_in_options -s N -l max-replace-args -x -d 'N records a command, named {1} .. {N}'
complete -c fanout -n __fanout_in_options -s r -l no-run-if-empty -d 'Accepted: empty input never runs a job'
complete -c fanout -n __fanout_in_options -l nice -x -d 'Run the jobs at niceness N (19: lowest priority)'
complete -c fanout -n __fanout_in_options -s 0 -l null -d 'Records end with NUL, not newline'
complete -c fanout -n __fanout_in_options -l progress -d 'Show a progress line on a terminal'\''s stderr'
complete -c fanout -n __fanout_in_options -l bar -d 'Show a progress line (same as --progress)'
complete -c fanout -n __fanout_in_options -l eta -d 'Show a progress line (same as --progress)'
complete -c fanout -n __fanout_in_options -l quiet-failures -d 'Do not name each failed job on stderr'
complete -c fanout -n __fanout_in_options -l rate -x -d 'At most N starts per UNIT: 10/s, 600/m, 5/100ms'
complete -c fanout -n __fanout_in_options -l results -x -a '(__fish_complete_directories)' -d 'Also keep each job'\''s output in DIR/SEQ/stdout and stderr'
complete -c fanout -n __fanout_in_options -l resume -d 'With --joblog, skip jobs the log has as done'
complete -c fanout -n __fanout_in_options -l resume-failed -d 'Like --resume, but run failed jobs again'
complete -c fanout -n __fanout_in_options -l retries -x -d 'Run a failed job up to N more times'
complete -c fanout -n __fanout_in_options -l retry-delay -x -d 'Backoff before a retry, doubling (default 1s)'
complete -c fanout -n __fanout_in_options -l rlimit -x -a 'as= core= cpu= data= fsize= nofile= nproc= stack=' -d 'Limits in each job'
complete -c fanout -n __fanout_in_options -l round-robin -d '--pipe with only -j jobs, each reading block after block'
complete -c fanout -n __fanout_in_options -l round -d '--pipe with only -j jobs (same as --round-robin)'
complete -c fanout -n __fanout_in_options -l shard -x -d 'Run only jobs K, K+N, ... (K from 0): one part of N'
complete -c fanout -n __fanout_in_options -s s -l shell -d 'COMMAND is one sh script, records quoted in'
complete -c fanout -n __fanout_in_options -l stats -d 'Print a summary of the run on stderr at the end'
complete -c fanout -n __fanout_in_options -l tag -d 'Prefix output lines with the record and a tab'
complete -c fanout -n __fanout_in_options -l tagstring -x -d 'As --tag, with STR and its replacement strings as the tag'
complete -c fanout -n __fanout_in_options -l timeout -x -d 'SIGTERM a job'\''s process group after DUR'
complete -c fanout -n __fanout_in_options -l tmpdir -x -a '(__fish_complete_directories)' -d 'Held output spills to DIR (sets TMPDIR)'
complete -c fanout -n __fanout_in_options -s u -l ungroup -d 'Jobs write straight to stdout and stderr'
complete -c fanout -n __fanout_in_options -s v -l verbose -d 'Print each command on stderr as it starts'
complete -c fanout -n __fanout_in_options -s t -d 'Print each command on stderr (same as -v)'
complete -c fanout -n __fanout_in_options -s X -d 'As many records a command as fit; a word with {} repeats'
complete -c fanout -n __fanout_in_options -s V -l version -d 'Show the version and exit'
complete -c fanout -n __fanout_in_options -s M -l controlmaster -d 'Accepted: ssh connections are always shared'
complete -c fanout -n __fanout_in_options -l env -x -d 'Copy variable NAME to remote jobs (repeatable)'
complete -c fanout -n __fanout_in_options -l files -d 'Print the name of a file in TMPDIR holding each job'\''s stdout'
complete -c fanout -n __fanout_in_options -l filter-hosts -d 'Accepted: hosts are always checked'
complete -c fanout -n __fanout_in_options -l ssh -x -d 'Ssh command for remote jobs (default: ssh)'
complete -c fanout -n __fanout_in_options -l ssh-give-up -x -d 'End the run when every host is down for DUR (5m)'
complete -c fanout -n __fanout_in_options -s S -l sshlogin -x -d 'Run jobs on [N/][user@]host[:port],...; : is this machine'
complete -c fanout -n __fanout_in_options -l sshloginfile -l slf -r -F -d 'Sshlogins from FILE, one a line; - is stdin'
complete -c fanout -n __fanout_in_options -l workdir -l wd -x -a '(__fish_complete_directories)' -d 'Jobs run in DIR; . is this one'
