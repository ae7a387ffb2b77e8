/** Entry of the teacher console page (/live/<id>/console/); the console itself is src/live/console/. */
export { mountLiveConsole, type LiveConsole, type LiveConsoleOptions } from "../live/console/mount";
