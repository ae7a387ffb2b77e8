/** Entry of the student's live page (/live/<id>/); the view itself is src/live/student/. */
export { mountLiveStudent, type LiveStudent, type LiveStudentOptions } from "../live/student/mount";
