/** Entry of the projector view (/live/<id>/present/); the view itself is src/live/projector/. */
export { mountLiveProjector, type LiveProjector, type LiveProjectorOptions } from "../live/projector/mount";
