// The tests drive Linux services (PostgreSQL from Debian, file modes, signals).
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
