// The agent runs jobs with Linux's means: setsid, process groups and kill(2), /proc.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
