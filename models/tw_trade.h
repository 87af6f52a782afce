/* tw_trade.h - the trade-war model, as the engine sees it.
 *
 * tw_trade_model implements tw_model (engine/tw_model.h): importer firm agents in every
 * region and sector choose a supplying origin by logit over tariff-inclusive prices,
 * re-optimise by a hazard, front-load ahead of announced increases, and the sector's
 * spending responds to its price level; indicators are daily tariffs, imports, revenue,
 * prices, shares and ACR welfare. See tw_trade_internal.h for the pieces.
 */
#ifndef TW_TRADE_H
#define TW_TRADE_H

#include "tw_model.h"

extern const tw_model tw_trade_model;

#endif
